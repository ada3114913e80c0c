/* err.h — errors are values: a function that can fail on user input returns -1 and fills a
 * sim_err with a message naming the file, line, field or symbol at fault. */
#ifndef VMKSIM_ERR_H
#define VMKSIM_ERR_H

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sim_err { char msg[1024]; } sim_err;

/* Formats into err (if not NULL) and returns -1, so callers can `return sim_err_set(...)`. */
int sim_err_set(sim_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#ifdef __cplusplus
}
#endif
#endif
