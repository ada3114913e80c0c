/* sim_systemc.cpp — the glue between sim.h and the SystemC 2.3 kernel (IEEE Std 1666-2011):
 * time, events, callbacks, threads and run control. The only file that includes SystemC; the
 * semantics it implements (run/stop reasons, event lifetime, determinism) are in docs/engine.md. */
#define SC_INCLUDE_DYNAMIC_PROCESSES /* sc_spawn (IEEE 1666-2011 5.5) */
#include <systemc>

#include "sim/sim.h"

#include <cstdarg>
#include <cstdio>
#if defined(__SANITIZE_ADDRESS__)
#include <pthread.h>
#include <sanitizer/common_interface_defs.h>
#endif
#include <cstdlib>
#include <algorithm>
#include <exception>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

/* Thread stack size. Driver code runs on these stacks (a Linux driver expects 8-16 KiB of kernel
 * stack), so 256 KiB leaves room; ASan's redzones roughly triple frame sizes. Untouched pages of a
 * stack are never committed, so the figure costs address space, not memory. */
#if defined(__SANITIZE_ADDRESS__)
constexpr int thread_stack_bytes = 1 << 20;
#else
constexpr int thread_stack_bytes = 256 << 10;
#endif

/* SystemC 2.3.4 tells ASan the main stack is (NULL, 0) when it switches back from a thread; the next
 * longjmp or throw on the main stack (a Lua error, say) then draws false reports. After each run,
 * declare the real main stack again (compiler-rt's fiber-switch interface). The stack's bounds
 * are looked up once: for the main thread pthread_getattr_np parses /proc/self/maps, which costs
 * more than a short run (a scenario waiting in 10 us steps makes 100000 runs a simulated second). */
void restore_main_stack_for_asan()
{
#if defined(__SANITIZE_ADDRESS__)
    static thread_local void *addr = nullptr;   /* per thread, as pthread_self was */
    static thread_local size_t size = 0;
    if (!addr) {
        pthread_attr_t attr;
        if (pthread_getattr_np(pthread_self(), &attr) != 0)
            return;
        pthread_attr_getstack(&attr, &addr, &size);
        pthread_attr_destroy(&attr);
    }
    void *fake = nullptr;
    __sanitizer_start_switch_fiber(&fake, addr, size);
    __sanitizer_finish_switch_fiber(fake, nullptr, nullptr);
#endif
}

bool initialised;      /* SystemC set up (lazily: commands that never simulate never touch it) */
bool started;          /* the first sc_start (elaboration, initialisation phase) is done */
bool running;          /* inside sc_start, i.e. inside a sim_run_* */
bool stop_requested;   /* sim_stop() during the current sim_run_* */
uint64_t name_serial;  /* makes SystemC process names unique */

[[noreturn]] void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *fmt, ...)
{
    /* Misuse of the engine by a model: an invariant of the simulator, not a user error. */
    va_list ap;
    va_start(ap, fmt);
    std::fputs("vmksim: engine: ", stderr);
    std::vfprintf(stderr, fmt, ap);
    std::fputc('\n', stderr);
    va_end(ap);
    std::abort();
}

/* SystemC's own messages go to the sim log instead of stdout (which carries command output). */
void report_to_log(const sc_core::sc_report &rep, const sc_core::sc_actions &actions)
{
    if (actions & sc_core::SC_DISPLAY) {
        sim_log_level lvl = rep.get_severity() == sc_core::SC_INFO      ? SIM_LOG_DEBUG
                            : rep.get_severity() == sc_core::SC_WARNING ? SIM_LOG_WARN
                                                                        : SIM_LOG_ERROR;
        sim_log(lvl, "systemc", "%s: %s", rep.get_msg_type(), rep.get_msg());
    }
    sc_core::sc_report_handler::default_handler(rep, actions & ~sc_core::SC_DISPLAY);
}

void ensure_init()
{
    if (initialised)
        return;
    initialised = true;
    /* Must precede the first call that creates the simulation context, which prints the banner. */
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "DISABLE", 1);
    sc_core::sc_report_handler::set_handler(report_to_log);
    sc_core::sc_set_time_resolution(1.0, sc_core::SC_PS); /* sim_time_t counts picoseconds */
}

sim_time_t now_ps()
{
    return sc_core::sc_time_stamp().value();
}

sc_core::sc_time ps(sim_time_t t)
{
    return sc_core::sc_time::from_value(t);
}

/* A delay from now, clamped so that now + delay stays representable (fires at the end of time). */
sc_core::sc_time delay_from_now(sim_time_t d)
{
    sim_time_t room = SIM_TIME_MAX - now_ps();
    return ps(d < room ? d : room);
}

/* SystemC names may hold letters, digits and '_' only ('.' separates hierarchy levels). */
std::string unique_name(const char *base)
{
    std::string n;
    for (const char *p = base && *base ? base : "process"; *p; p++) {
        char c = *p;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        n += ok ? c : '_';
    }
    return n + "_" + std::to_string(name_serial++);
}

struct callback {
    sim_callback_fn fn;
    void *arg;
};

/* An sc_event with its callback list and the one method process that dispatches it. SystemC keeps
 * pointers to an event in every process sensitive to it, so a core is never destroyed: a freed
 * sim_event returns its core to a pool. */
struct ev_core {
    sc_core::sc_event ev;
    std::vector<callback> callbacks;
    bool live = false;           /* owned by a sim_event or a pending sim_call_after */
    bool oneshot = false;        /* sim_call_after: released after it fires */
    bool has_dispatcher = false; /* the method process exists */
    unsigned waiters = 0;        /* threads blocked on ev; the core is not reused while > 0 */
    uint64_t released_delta = 0;
    sim_time_t released_at = 0;
};

/* The pools live on the heap and are never destroyed: destroying them at exit would run before
 * LeakSanitizer's check and leave every core looking leaked. */
std::vector<ev_core *> &all_cores = *new std::vector<ev_core *>;  /* every core, never freed */
std::vector<ev_core *> &free_cores = *new std::vector<ev_core *>; /* ready for reuse */
std::vector<ev_core *> &quarantine = *new std::vector<ev_core *>; /* dispatcher may still run */

/* A dispatcher triggered in the delta that released its core may still run in that delta; once
 * the delta count or the time has moved on, it has run (and seen live == false). */
void reclaim_quarantine()
{
    if (quarantine.empty())
        return;
    uint64_t delta = sc_core::sc_delta_count();
    sim_time_t now = now_ps();
    size_t keep = 0;
    for (ev_core *c : quarantine) {
        if (c->released_delta < delta || c->released_at < now)
            free_cores.push_back(c);
        else
            quarantine[keep++] = c;
    }
    quarantine.resize(keep);
}

ev_core *core_acquire()
{
    reclaim_quarantine();
    ev_core *c;
    if (!free_cores.empty()) {
        c = free_cores.back();
        free_cores.pop_back();
    } else {
        c = new ev_core;
        all_cores.push_back(c);
    }
    c->live = true;
    c->oneshot = false;
    return c;
}

void core_retire(ev_core *c)
{
    if (c->has_dispatcher) {
        c->released_delta = sc_core::sc_delta_count();
        c->released_at = now_ps();
        quarantine.push_back(c);
    } else {
        free_cores.push_back(c);
    }
}

void core_release(ev_core *c)
{
    c->live = false;
    c->oneshot = false;
    c->callbacks.clear();
    c->ev.cancel();
    if (c->waiters == 0)
        core_retire(c);
    /* else: the last waiter to leave retires it; a thread waiting with no timeout stays blocked */
}

void dispatch(ev_core *c)
{
    /* Callbacks may add callbacks (run from the next firing) or free the event (stops here). */
    const size_t n = c->callbacks.size();
    for (size_t i = 0; i < n && c->live; i++) {
        callback cb = c->callbacks[i];
        cb.fn(cb.arg);
    }
    if (c->oneshot && c->live)
        core_release(c);
}

void ensure_dispatcher(ev_core *c)
{
    if (c->has_dispatcher)
        return;
    sc_core::sc_spawn_options opts;
    opts.spawn_method();
    opts.dont_initialize();
    opts.set_sensitivity(&c->ev);
    sc_core::sc_spawn([c] { dispatch(c); }, unique_name("event_dispatch").c_str(), &opts);
    c->has_dispatcher = true;
}

/* A spawned thread's record: cancellation (sim_cancel_owner) is checked before the thread first
 * runs and after each of its waits, so a cancelled thread never runs model code again. */
struct thread_rec {
    const void *arg;
    bool cancelled = false;
    /* Notified by sim_cancel_owner: ends the thread's wait even on an event nobody will notify
     * again (freed with its owner), so the thread ends and its stack is released. */
    sc_core::sc_event *wake = nullptr;
};
std::unordered_map<const sc_core::sc_object *, thread_rec *> &running_threads =
    *new std::unordered_map<const sc_core::sc_object *, thread_rec *>; /* by process */
std::vector<thread_rec *> &unstarted_threads = *new std::vector<thread_rec *>;

thread_rec *current_thread_rec()
{
    sc_core::sc_process_handle h = sc_core::sc_get_current_process_handle();
    auto it = running_threads.find(h.get_process_object());
    return it == running_threads.end() ? nullptr : it->second;
}

/* Ends the calling thread if it was cancelled while it waited: SystemC kills it, unwinding its
 * stack (model frames are C with unwind tables; nothing of theirs runs). */
void exit_if_cancelled()
{
    thread_rec *r = current_thread_rec();
    if (r && r->cancelled) {
        sc_core::sc_process_handle h = sc_core::sc_get_current_process_handle();
        running_threads.erase(h.get_process_object());
        delete r->wake;
        delete r;
        h.kill();
    }
}

void require_thread(const char *what)
{
    if (!sim_in_thread())
        fatal("%s called outside a sim thread (callbacks and the host may not block)", what);
}

void wait_on(ev_core *c, const sc_core::sc_time *timeout)
{
    c->waiters++;
    thread_rec *r = current_thread_rec();
    if (r && !r->wake)
        r->wake = new sc_core::sc_event;
    if (r && timeout)
        sc_core::wait(*timeout, c->ev | *r->wake);
    else if (r)
        sc_core::wait(c->ev | *r->wake);
    else if (timeout)
        sc_core::wait(*timeout, c->ev);
    else
        sc_core::wait(c->ev);
    c->waiters--;
    if (!c->live && c->waiters == 0)
        core_retire(c);
}

} // namespace

struct sim_event {
    ev_core *core;
    std::string name; /* for the debugger */
};

/* libsystemc.so holds a main() that calls sc_main(), and so refers to sc_main. vmksim and the test
 * programs bring their own main(), which the linker binds first, so this is never called; it only
 * satisfies that reference. */
int sc_main(int, char **)
{
    std::fputs("vmksim: engine: sc_main is not an entry point of this program\n", stderr);
    return 1;
}

extern "C" {

sim_time_t sim_now(void)
{
    return initialised ? now_ps() : 0; /* before the engine is touched, time is 0 */
}

sim_event *sim_event_new(const char *name)
{
    ensure_init();
    return new sim_event{core_acquire(), name ? name : ""};
}

void sim_event_free(sim_event *ev)
{
    if (!ev)
        return;
    core_release(ev->core);
    delete ev;
}

void sim_event_notify(sim_event *ev, sim_time_t delay)
{
    ev->core->ev.notify(delay_from_now(delay)); /* zero time: a delta notification */
}

void sim_event_cancel(sim_event *ev)
{
    ev->core->ev.cancel();
}

void sim_event_on(sim_event *ev, sim_callback_fn fn, void *arg)
{
    ev->core->callbacks.push_back(callback{fn, arg});
    ensure_dispatcher(ev->core);
}

void sim_call_after(sim_time_t delay, sim_callback_fn fn, void *arg)
{
    ensure_init();
    ev_core *c = core_acquire();
    c->oneshot = true;
    c->callbacks.push_back(callback{fn, arg});
    ensure_dispatcher(c);
    c->ev.notify(delay_from_now(delay));
}

void sim_thread_spawn(const char *name, sim_thread_fn fn, void *arg)
{
    ensure_init();
    sc_core::sc_spawn_options opts;
    opts.set_stack_size(thread_stack_bytes);
    thread_rec *rec = new thread_rec{arg};
    unstarted_threads.push_back(rec);
    sc_core::sc_spawn(
        [fn, arg, rec] {
            unstarted_threads.erase(
                std::find(unstarted_threads.begin(), unstarted_threads.end(), rec));
            if (rec->cancelled) {
                delete rec;
                return;
            }
            const sc_core::sc_object *self =
                sc_core::sc_get_current_process_handle().get_process_object();
            running_threads[self] = rec;
            fn(arg);
            running_threads.erase(self);
            delete rec->wake;
            delete rec;
        },
        unique_name(name).c_str(), &opts);
}

void sim_cancel_owner(const void *arg)
{
    if (!initialised || !arg)
        return;
    for (thread_rec *r : unstarted_threads)
        if (r->arg == arg)
            r->cancelled = true;
    for (auto &kv : running_threads)
        if (kv.second->arg == arg) {
            kv.second->cancelled = true;
            if (kv.second->wake)
                kv.second->wake->notify(sc_core::SC_ZERO_TIME);
        }
    for (ev_core *c : all_cores) {
        if (!c->live)
            continue;
        bool mine = false;
        for (const callback &cb : c->callbacks)
            mine = mine || cb.arg == arg;
        if (!mine)
            continue;
        if (c->oneshot) {
            core_release(c); /* a pending sim_call_after for arg: it never fires */
        } else {
            std::vector<callback> keep;
            for (const callback &cb : c->callbacks)
                if (cb.arg != arg)
                    keep.push_back(cb);
            c->callbacks = keep;
        }
    }
}

bool sim_in_thread(void)
{
    if (!running)
        return false; /* outside sc_start the "current process" is the last one created */
    sc_core::sc_process_handle h = sc_core::sc_get_current_process_handle();
    return h.valid() && h.proc_kind() == sc_core::SC_THREAD_PROC_;
}

void sim_wait(sim_time_t delay)
{
    require_thread("sim_wait");
    sc_core::wait(delay_from_now(delay));
    exit_if_cancelled();
}

void sim_wait_event(sim_event *ev)
{
    require_thread("sim_wait_event");
    wait_on(ev->core, nullptr);
    exit_if_cancelled();
}

bool sim_wait_event_timeout(sim_event *ev, sim_time_t timeout)
{
    require_thread("sim_wait_event_timeout");
    ev_core *c = ev->core;
    if (timeout >= SIM_TIME_MAX - now_ps()) { /* cannot time out before the end of time */
        wait_on(c, nullptr);
        exit_if_cancelled();
        return true;
    }
    sc_core::sc_time t = ps(timeout);
    wait_on(c, &t);
    exit_if_cancelled();
    /* Event and timeout in the same delta count as the event having fired. */
    return c->ev.triggered() || !sc_core::timed_out();
}

sim_stop_reason sim_run_until(sim_time_t abs_time)
{
    ensure_init();
    if (running)
        fatal("sim_run_until called from inside the simulation");
    stop_requested = false;
    running = true;
    try {
        if (!started) { /* elaboration, then the initialisation phase at time 0 */
            started = true;
            sc_core::sc_start(sc_core::SC_ZERO_TIME);
        }
        sim_time_t now = now_ps();
        if (!stop_requested && abs_time > now) {
            if (abs_time == SIM_TIME_MAX) {
                /* "until nothing is left": time stays at the last activity */
                if (sc_core::sc_pending_activity())
                    sc_core::sc_start(ps(abs_time - now), sc_core::SC_EXIT_ON_STARVATION);
            } else {
                sc_core::sc_start(ps(abs_time - now), sc_core::SC_RUN_TO_TIME);
            }
        }
        /* SystemC leaves the processes woken at exactly the end time runnable; run them and every
         * delta cycle they cause, so that a run covers all activity at times <= abs_time. */
        while (!stop_requested && sc_core::sc_pending_activity_at_current_time())
            sc_core::sc_start(sc_core::SC_ZERO_TIME);
    } catch (const std::exception &e) {
        running = false;
        fatal("SystemC error at %llu ps: %s", (unsigned long long)now_ps(), e.what());
    } catch (...) {
        running = false;
        fatal("unknown exception out of the SystemC kernel at %llu ps",
              (unsigned long long)now_ps());
    }
    running = false;
    restore_main_stack_for_asan();
    if (stop_requested)
        return SIM_STOP_REQUESTED;
    return sc_core::sc_pending_activity() ? SIM_STOP_TIME : SIM_STOP_IDLE;
}

sim_stop_reason sim_run_for(sim_time_t delay)
{
    sim_time_t now = sim_now();
    return sim_run_until(delay < SIM_TIME_MAX - now ? now + delay : SIM_TIME_MAX);
}

void sim_stop(void)
{
    if (!running)
        return; /* no run to end */
    stop_requested = true;
    sc_core::sc_pause(); /* unlike sc_stop, a paused simulation can be started again */
}

} // extern "C"
