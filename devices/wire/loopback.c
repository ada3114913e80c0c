/* loopback.c — a full-duplex Ethernet cable: what one port transmits arrives at the other (or at
 * itself, a loopback plug) when its last bit has crossed, i.e. at the end of serialisation plus the
 * propagation delay. Each direction keeps its frames in flight in order (a FIFO with one event). */
#include <stdlib.h>
#include <string.h>

#include "devices/wire/wire.h"

typedef struct wire_inflight {
    struct wire_inflight *next;
    sim_time_t arrive;
    bool fcs_ok;
    size_t len;
    uint8_t data[];
} wire_inflight;

typedef struct wire_dir {
    struct wire_link *link;
    wire_port *to;
    wire_inflight *head, *tail;
    sim_event *ev;
} wire_dir;

struct wire_link {
    wire_port *a, *b;
    sim_time_t propagation;
    wire_dir dir[2];          /* [0]: frames from a, [1]: frames from b (unused when a == b) */
    uint64_t discarded;
};

static void wire_dir_fire(void *arg)
{
    wire_dir *d = arg;
    sim_time_t now = sim_now();
    while (d->head && d->head->arrive <= now) {
        wire_inflight *f = d->head;
        d->head = f->next;
        if (!d->head)
            d->tail = NULL;
        wire_frame fr = { f->data, f->len, f->fcs_ok };
        if (d->to)
            wire_port_receive_(d->to, &fr);
        else
            d->link->discarded++;
        free(f);
    }
    if (d->head)
        sim_event_notify(d->ev, d->head->arrive - now);
}

static void wire_link_deliver(void *link, wire_port *from, sim_time_t end, const wire_frame *frame)
{
    struct wire_link *l = link;
    wire_dir *d = (from == l->a) ? &l->dir[0] : &l->dir[1];
    wire_inflight *f = malloc(sizeof *f + frame->len);
    if (!f) {            /* host out of memory: account for it rather than lose it silently */
        l->discarded++;
        return;
    }
    f->next = NULL;
    f->arrive = end + l->propagation;
    f->fcs_ok = frame->fcs_ok;
    f->len = frame->len;
    memcpy(f->data, frame->data, frame->len);
    bool was_empty = d->head == NULL;
    if (d->tail)
        d->tail->next = f;
    else
        d->head = f;
    d->tail = f;
    if (was_empty)
        sim_event_notify(d->ev, f->arrive - sim_now());
}

int wire_link_new(wire_port *a, wire_port *b, sim_time_t propagation_ps, wire_link **out,
                  sim_err *err)
{
    *out = NULL;
    if (!a || !b)
        return sim_err_set(err, "wire link needs two ports");
    if (wire_port_linked_(a) || wire_port_linked_(b))
        return sim_err_set(err, "wire link %s-%s: port '%s' is already connected", wire_port_name(a),
                           wire_port_name(b), wire_port_linked_(a) ? wire_port_name(a) : wire_port_name(b));
    struct wire_link *l = calloc(1, sizeof *l);
    if (!l)
        return sim_err_set(err, "wire link: out of memory");
    l->a = a;
    l->b = b;
    l->propagation = propagation_ps;
    int ndir = (a == b) ? 1 : 2;
    for (int i = 0; i < ndir; i++) {
        l->dir[i].link = l;
        l->dir[i].to = (i == 0) ? b : a;
        l->dir[i].ev = sim_event_new(i == 0 ? "wire.a_to_b" : "wire.b_to_a");
        sim_event_on(l->dir[i].ev, wire_dir_fire, &l->dir[i]);
    }
    wire_port_attach_(a, wire_link_deliver, l);
    if (b != a)
        wire_port_attach_(b, wire_link_deliver, l);
    *out = l;
    return 0;
}

void wire_link_detach_(void *link, wire_port *p)
{
    struct wire_link *l = link;
    for (int i = 0; i < 2; i++)
        if (l->dir[i].to == p)
            l->dir[i].to = NULL;     /* frames still arriving are counted as discarded */
    if (l->a == p)
        l->a = NULL;
    if (l->b == p)
        l->b = NULL;
}

void wire_link_free(wire_link *l)
{
    if (!l)
        return;
    if (l->a)
        wire_port_attach_(l->a, NULL, NULL);
    if (l->b)
        wire_port_attach_(l->b, NULL, NULL);
    for (int i = 0; i < 2; i++) {
        if (l->dir[i].ev)
            sim_event_free(l->dir[i].ev);
        for (wire_inflight *f = l->dir[i].head, *n; f; f = n) {
            n = f->next;
            l->discarded++;
            free(f);
        }
    }
    free(l);
}

uint64_t wire_link_discarded(const wire_link *l) { return l->discarded; }
