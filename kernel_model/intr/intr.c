/* intr.c — the interrupt core (intr.h): vector allocation, x86 MSI address/data format (Intel SDM
 * vol. 3 §11.11), level-triggered INTx lines shared by handlers, and dispatch: each CPU's interrupt
 * context is a sim thread that runs queued vectors in arrival order on the CPU's interrupt world,
 * charging the dispatch cost; each registered ack + handler runs with its module as current
 * module, may wait for register reads, and may not block otherwise.
 * Semantics: docs/kernel-services.md "Interrupts". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_model/costs.h"
#include "kernel_model/intr/intr.h"
#include "kernel_model/module/module.h"
#include "kernel_model/timing/timing.h"
#include "kernel_model/world/world.h"
#include "sim/sim.h"
#include "vmkapi/vmkapi_status.h"

#define INTR_LOG "kernel.intr"
#define INTR_MAX_HANDLERS 8      /* registrations sharing one vector (an INTx line) */
#define INTR_MAX_CPUS 64
#define INTX_PINS 4              /* INTA..INTD (PCI Local Bus Spec 3.0 §2.2.6) */
#define INTX_MAX_ASSERTERS 64
/* A level-triggered line that stays asserted while no handler claims it is disabled after this
 * many unclaimed dispatches in a row (as an OS does with an interrupt "nobody cared" about). */
#define INTX_UNCLAIMED_LIMIT 1000

typedef struct intr_handler {
    int owner;
    char device_name[32];
    kern_intr_ack_fn ack;
    kern_intr_handler_fn fn;
    void *data;
} intr_handler;

typedef struct intr_vector {
    bool allocated;
    bool enabled;
    bool pending;        /* arrived while disabled */
    bool running;        /* ack/handler running now */
    int owner;
    int dest_cpu;
    int intx_pin;        /* 1..4 for an INTx line, 0 for MSI */
    char name[32];
    intr_handler h[INTR_MAX_HANDLERS];
    int nh;
    uint64_t count;
    uint64_t unclaimed_run;
} intr_vector;

typedef struct intx_line {
    int vector;          /* 0 = no vector yet */
    uint16_t asserters[INTX_MAX_ASSERTERS];
    int nasserters;
    bool recheck_scheduled;
} intx_line;

static intr_vector g_vec[KERN_INTR_NVEC];
static intx_line g_intx[INTX_PINS + 1];
static uint64_t g_total, g_spurious;

void kern_msi_encode(int vector, int dest_apic, uint64_t *addr, uint32_t *data)
{
    *addr = KERN_MSI_ADDR_BASE | ((uint64_t)(dest_apic & 0xFF) << KERN_MSI_DEST_SHIFT);
    *data = (uint32_t)vector & KERN_MSI_DATA_VECTOR_MASK;   /* fixed delivery, edge */
}

bool kern_msi_decode(uint64_t addr, uint32_t data, int *vector, int *dest_apic)
{
    if ((addr & KERN_MSI_ADDR_MASK) != KERN_MSI_ADDR_BASE)
        return false;
    if (data & KERN_MSI_DATA_DELIVERY_MASK)   /* only fixed delivery (000b) is accepted */
        return false;
    int v = (int)(data & KERN_MSI_DATA_VECTOR_MASK);
    if (v < KERN_INTR_VEC_FIRST)
        return false;
    *vector = v;
    *dest_apic = (int)((addr >> KERN_MSI_DEST_SHIFT) & 0xFF);
    return true;
}

static int alloc_vector(int owner_id, const char *name, sim_err *err)
{
    for (int v = KERN_INTR_VEC_FIRST; v <= KERN_INTR_VEC_LAST; v++) {
        intr_vector *iv = &g_vec[v];
        if (iv->allocated)
            continue;
        memset(iv, 0, sizeof *iv);
        iv->allocated = true;
        iv->owner = owner_id;
        iv->dest_cpu = 0;   /* every device interrupt is routed to CPU 0 (APIC ID 0) */
        snprintf(iv->name, sizeof iv->name, "%s", name ? name : "?");
        return v;
    }
    return sim_err_set(err, "interrupts: no free vector for '%s' (vectors %d-%d all in use)",
                       name ? name : "?", KERN_INTR_VEC_FIRST, KERN_INTR_VEC_LAST);
}

int kern_intr_vector_alloc(int owner_id, const char *name, uint64_t *msi_addr, uint32_t *msi_data,
                           sim_err *err)
{
    int v = alloc_vector(owner_id, name, err);
    if (v < 0)
        return -1;
    uint64_t a;
    uint32_t d;
    kern_msi_encode(v, g_vec[v].dest_cpu, &a, &d);
    if (msi_addr)
        *msi_addr = a;
    if (msi_data)
        *msi_data = d;
    sim_log(SIM_LOG_DEBUG, INTR_LOG, "vector %d allocated to '%s' (owner %d), MSI 0x%llx/0x%x", v,
            g_vec[v].name, owner_id, (unsigned long long)a, d);
    return v;
}

static bool valid_vector(int v)
{
    return v >= KERN_INTR_VEC_FIRST && v <= KERN_INTR_VEC_LAST && g_vec[v].allocated;
}

void kern_intr_vector_free(int vector)
{
    if (!valid_vector(vector))
        return;
    intr_vector *iv = &g_vec[vector];
    if (iv->intx_pin)
        g_intx[iv->intx_pin].vector = 0;
    sim_log(SIM_LOG_DEBUG, INTR_LOG, "vector %d ('%s') freed%s", vector, iv->name,
            iv->nh ? " with handlers still registered" : "");
    memset(iv, 0, sizeof *iv);
}

int kern_intr_intx_vector(int owner_id, const char *name, uint16_t requester, int pin, sim_err *err)
{
    if (pin < 1 || pin > INTX_PINS)
        return sim_err_set(err, "interrupts: INTx pin %d of requester %02x:%02x.%d is not 1..4",
                           pin, requester >> 8, (requester >> 3) & 0x1F, requester & 7);
    intx_line *l = &g_intx[pin];
    if (l->vector)
        return l->vector;
    int v = alloc_vector(owner_id, name, err);
    if (v < 0)
        return -1;
    g_vec[v].intx_pin = pin;
    snprintf(g_vec[v].name, sizeof g_vec[v].name, "INT%c", 'A' + pin - 1);
    l->vector = v;
    return v;
}

int kern_intr_register(int owner_id, int vector, const char *device_name, kern_intr_ack_fn ack,
                       kern_intr_handler_fn handler, void *handler_data, sim_err *err)
{
    if (!valid_vector(vector))
        return sim_err_set(err, "interrupts: register on vector %d, which is not allocated",
                           vector);
    if (!handler)
        return sim_err_set(err, "interrupts: register on vector %d without a handler", vector);
    intr_vector *iv = &g_vec[vector];
    if (iv->nh && !iv->intx_pin)
        return sim_err_set(err, "interrupts: vector %d (MSI) already has a handler ('%s')",
                           vector, iv->h[0].device_name);
    if (iv->nh == INTR_MAX_HANDLERS)
        return sim_err_set(err, "interrupts: vector %d has %d handlers already", vector,
                           INTR_MAX_HANDLERS);
    for (int i = 0; i < iv->nh; i++)
        if (iv->h[i].data == handler_data)
            return sim_err_set(err, "interrupts: vector %d: handler data already registered",
                               vector);
    intr_handler *h = &iv->h[iv->nh++];
    h->owner = owner_id;
    snprintf(h->device_name, sizeof h->device_name, "%s", device_name ? device_name : "?");
    h->ack = ack;
    h->fn = handler;
    h->data = handler_data;
    return 0;
}

int kern_intr_unregister(int vector, void *handler_data, sim_err *err)
{
    if (!valid_vector(vector))
        return sim_err_set(err, "interrupts: unregister on vector %d, which is not allocated",
                           vector);
    intr_vector *iv = &g_vec[vector];
    for (int i = 0; i < iv->nh; i++) {
        if (iv->h[i].data != handler_data)
            continue;
        memmove(&iv->h[i], &iv->h[i + 1], (size_t)(iv->nh - i - 1) * sizeof iv->h[0]);
        iv->nh--;
        return 0;
    }
    return sim_err_set(err, "interrupts: vector %d has no handler with that handler data", vector);
}

/* ---- dispatch: one interrupt thread per CPU ---- */

/* A CPU's interrupt context: a sim thread with its own timing world ("intr.cpuN") that takes the
 * vectors delivered to the CPU in arrival order and runs each one's acks and handlers. The CPU is
 * busy with one interrupt at a time: the thread syncs the handler's cycles before the next. */
typedef struct intr_cpu {
    int cpu;
    kern_tworld *world;
    sim_event *ev;           /* a vector was queued */
    sim_event *done;         /* a vector's handlers finished (kern_intr_sync waits on it) */
    int *q;                  /* ring of queued vectors */
    size_t head, n, cap;
} intr_cpu;

static intr_cpu *g_cpu[INTR_MAX_CPUS];

static bool queue_push(intr_cpu *c, int vector)
{
    if (c->n == c->cap) {
        size_t ncap = c->cap ? c->cap * 2 : 16;
        int *nq = malloc(ncap * sizeof *nq);
        if (!nq)
            return false;
        for (size_t i = 0; i < c->n; i++)
            nq[i] = c->q[(c->head + i) % c->cap];
        free(c->q);
        c->q = nq;
        c->cap = ncap;
        c->head = 0;
    }
    c->q[(c->head + c->n) % c->cap] = vector;
    c->n++;
    return true;
}

static int queue_pop(intr_cpu *c)
{
    int v = c->q[c->head];
    c->head = (c->head + 1) % c->cap;
    c->n--;
    return v;
}

static void intx_recheck_cb(void *arg)
{
    intx_line *l = &g_intx[(intptr_t)arg];
    l->recheck_scheduled = false;
    if (l->nasserters && l->vector)
        kern_intr_deliver(l->vector);
}

/* Runs vector's acks and handlers in the CPU's interrupt world (the calling thread is c's). */
static void run_vector(intr_cpu *c, int vector)
{
    if (!valid_vector(vector))
        return;   /* freed while queued */
    intr_vector *iv = &g_vec[vector];
    if (!iv->enabled) {
        iv->pending = true;   /* disabled while it was queued */
        return;
    }
    iv->running = true;
    kern_tworld_enter(c->world);
    kern_cost_charge(KERN_COST_INTR_DISPATCH, 0);
    g_total++;
    bool claimed = false;
    /* Handlers may unregister themselves: walk a snapshot. */
    intr_handler hs[INTR_MAX_HANDLERS];
    int nh = iv->nh;
    memcpy(hs, iv->h, (size_t)nh * sizeof hs[0]);
    for (int i = 0; i < nh; i++) {
        sim_err e;
        bool pushed = kern_module_push(hs[i].owner, &e) == 0;
        if (!pushed)
            sim_log(SIM_LOG_ERROR, INTR_LOG, "vector %d: %s", vector, e.msg);
        int r = hs[i].ack ? hs[i].ack(hs[i].data, (uint32_t)vector) : VMK_OK;
        if (r == VMK_OK) {
            hs[i].fn(hs[i].data, (uint32_t)vector);
            if (valid_vector(vector))
                iv->count++;
            claimed = true;
        } else if (r != VMK_NOT_THIS_DEVICE && r != VMK_IGNORE) {
            sim_log(SIM_LOG_WARN, INTR_LOG, "vector %d: ack of '%s' returned status 0x%x", vector,
                    hs[i].device_name, (unsigned)r);
        }
        if (pushed)
            kern_module_pop(NULL);
    }
    if (!nh)
        g_spurious++;
    /* A thread: waits until global time has caught up with the CPU (the dispatch cost and the
     * handlers' cycles not yet synced), so the next interrupt on this CPU starts after it. */
    sim_time_t busy = kern_world_sync();
    kern_tworld_leave(c->world);
    sim_event_notify(c->done, 0);
    if (!valid_vector(vector))
        return;   /* a handler freed its own vector */
    iv->running = false;

    if (iv->intx_pin) {
        intx_line *l = &g_intx[iv->intx_pin];
        iv->unclaimed_run = claimed ? 0 : iv->unclaimed_run + 1;
        if (iv->unclaimed_run >= INTX_UNCLAIMED_LIMIT) {
            sim_log(SIM_LOG_ERROR, INTR_LOG,
                    "INTx line %s (vector %d) stays asserted and no handler claims it: disabled",
                    iv->name, vector);
            iv->enabled = false;
            return;
        }
        /* Level-triggered: re-examined after the handler (EOI) while still asserted. The
         * handler's cycles were waited above; with nothing to wait (timing off) the re-check
         * comes 1 ns later, so a line nobody clears cannot spin at one instant. */
        if (l->nasserters && !l->recheck_scheduled) {
            l->recheck_scheduled = true;
            sim_call_after(busy ? 0 : SIM_NS, intx_recheck_cb, (void *)(intptr_t)iv->intx_pin);
        }
    }
}

static void cpu_thread(void *arg)
{
    intr_cpu *c = arg;
    for (;;) {
        while (c->n == 0)
            sim_wait_event(c->ev);
        run_vector(c, queue_pop(c));
    }
}

static intr_cpu *cpu_get(int cpu)
{
    if (g_cpu[cpu])
        return g_cpu[cpu];
    intr_cpu *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    char name[32];
    snprintf(name, sizeof name, "intr.cpu%d", cpu);
    c->cpu = cpu;
    c->world = kern_tworld_new(name);
    c->ev = sim_event_new(name);
    c->done = sim_event_new(name);
    if (!c->world || !c->ev || !c->done) {
        if (c->world)
            kern_tworld_free(c->world);
        if (c->ev)
            sim_event_free(c->ev);
        if (c->done)
            sim_event_free(c->done);
        free(c);
        return NULL;
    }
    sim_thread_spawn(name, cpu_thread, c);
    g_cpu[cpu] = c;
    return c;
}

static void cpu_free(intr_cpu *c)
{
    sim_cancel_owner(c);   /* its thread never runs again */
    kern_tworld_free(c->world);
    sim_event_free(c->ev);
    sim_event_free(c->done);
    free(c->q);
    free(c);
}

void kern_intr_deliver(int vector)
{
    if (!valid_vector(vector)) {
        g_spurious++;
        sim_log(SIM_LOG_WARN, INTR_LOG, "interrupt on unallocated vector %d ignored", vector);
        return;
    }
    intr_vector *iv = &g_vec[vector];
    if (!iv->enabled) {
        iv->pending = true;
        return;
    }
    intr_cpu *c = cpu_get(iv->dest_cpu);
    if (!c || !queue_push(c, vector)) {
        sim_log(SIM_LOG_ERROR, INTR_LOG, "vector %d: out of memory queueing the interrupt: lost",
                vector);
        return;
    }
    sim_event_notify(c->ev, 0);   /* the CPU's interrupt thread takes it (in arrival order) */
}

int kern_intr_enable(int vector, sim_err *err)
{
    if (!valid_vector(vector))
        return sim_err_set(err, "interrupts: enable of vector %d, which is not allocated", vector);
    intr_vector *iv = &g_vec[vector];
    iv->enabled = true;
    iv->unclaimed_run = 0;
    if (iv->pending || (iv->intx_pin && g_intx[iv->intx_pin].nasserters)) {
        iv->pending = false;
        kern_intr_deliver(vector);
    }
    return 0;
}

int kern_intr_disable(int vector, sim_err *err)
{
    if (!valid_vector(vector))
        return sim_err_set(err, "interrupts: disable of vector %d, which is not allocated",
                           vector);
    g_vec[vector].enabled = false;
    return 0;
}

int kern_intr_sync(int vector, sim_err *err)
{
    if (!valid_vector(vector))
        return sim_err_set(err, "interrupts: sync of vector %d, which is not allocated", vector);
    if (!g_vec[vector].running)
        return 0;
    intr_cpu *c = g_cpu[g_vec[vector].dest_cpu];
    if (c && kern_tworld_current() == c->world)
        return sim_err_set(err, "interrupts: sync of vector %d from its own CPU's interrupt "
                           "context would never return", vector);
    /* A handler is half-way (waiting for an MMIO read): wait until it has finished. */
    if (!c || !kern_may_block("vmk_IntrSync"))
        return sim_err_set(err, "interrupts: sync of vector %d while its handler runs, from a "
                           "context that cannot wait", vector);
    while (valid_vector(vector) && g_vec[vector].running)
        kern_block_wait_event(c->done);
    return 0;
}

void kern_intr_msi_arrived(uint16_t requester, uint64_t addr, uint32_t data)
{
    int v, dest;
    if (!kern_msi_decode(addr, data, &v, &dest)) {
        g_spurious++;
        sim_log(SIM_LOG_WARN, INTR_LOG,
                "MSI from %02x:%02x.%d with address 0x%llx data 0x%x is not a valid x86 MSI "
                "(Intel SDM vol. 3 11.11): ignored", requester >> 8, (requester >> 3) & 0x1F,
                requester & 7, (unsigned long long)addr, data);
        return;
    }
    if (!valid_vector(v) || !g_vec[v].nh) {
        g_spurious++;
        sim_log(SIM_LOG_WARN, INTR_LOG, "MSI vector %d from %02x:%02x.%d has no handler: ignored",
                v, requester >> 8, (requester >> 3) & 0x1F, requester & 7);
        return;
    }
    kern_intr_deliver(v);
}

void kern_intr_intx_arrived(uint16_t requester, int pin, bool asserted)
{
    if (pin < 1 || pin > INTX_PINS) {
        g_spurious++;
        sim_log(SIM_LOG_WARN, INTR_LOG, "INTx message with pin %d ignored", pin);
        return;
    }
    intx_line *l = &g_intx[pin];
    int found = -1;
    for (int i = 0; i < l->nasserters; i++)
        if (l->asserters[i] == requester)
            found = i;
    if (!asserted) {
        if (found >= 0)
            l->asserters[found] = l->asserters[--l->nasserters];
        return;
    }
    if (found >= 0)
        return;   /* already asserted by this function */
    if (l->nasserters == INTX_MAX_ASSERTERS) {
        sim_log(SIM_LOG_ERROR, INTR_LOG, "INT%c: more than %d functions assert the line",
                'A' + pin - 1, INTX_MAX_ASSERTERS);
        return;
    }
    l->asserters[l->nasserters++] = requester;
    if (l->nasserters == 1) {   /* the line goes high */
        if (l->vector)
            kern_intr_deliver(l->vector);
        else
            g_spurious++;
    }
}

bool kern_intr_in_interrupt(void)
{
    kern_tworld *cur = kern_tworld_current();
    for (int i = 0; i < INTR_MAX_CPUS; i++)
        if (g_cpu[i] && g_cpu[i]->world == cur)
            return true;
    return false;
}

uint64_t kern_intr_count(int vector)
{
    return valid_vector(vector) ? g_vec[vector].count : 0;
}

uint64_t kern_intr_total(void)
{
    return g_total;
}

uint64_t kern_intr_spurious(void)
{
    return g_spurious;
}

int kern_intr_owner(int vector)
{
    return valid_vector(vector) ? g_vec[vector].owner : -1;
}

void kern_intr_reset(void)
{
    memset(g_vec, 0, sizeof g_vec);
    memset(g_intx, 0, sizeof g_intx);
    for (int i = 0; i < INTR_MAX_CPUS; i++) {
        if (g_cpu[i])
            cpu_free(g_cpu[i]);
        g_cpu[i] = NULL;
    }
    g_total = g_spurious = 0;
}
