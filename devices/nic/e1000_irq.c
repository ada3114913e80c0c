/* e1000_irq.c — the 82540EM's interrupt logic (8254x SDM §13.4.17-21, §3.2.7, §3.3.8): the
 * device interrupts while (ICR & IMS) != 0; each such episode is signalled once, by MSI when the
 * function's MSI capability is enabled and otherwise by asserting INTA# until the causes are read
 * or masked; ITR enforces a minimum interval between signals (256 ns units, §13.4.18); RDTR/RADV
 * and TIDV/TADV delay the receive and transmit causes (1.024 us units). */
#include "devices/nic/e1000_internal.h"

void e1000_irq_update(e1000 *s)
{
    bool level = (E1000_REG(s, E1000_ICR) & E1000_REG(s, E1000_IMS)) != 0;
    if (!level)
        s->irq_signalled = false;   /* the next cause starts a new episode */
    s->irq_kick = true;
    sim_event_notify(s->irq_ev, 0);
}

void e1000_irq_set(e1000 *s, uint32_t causes)
{
    E1000_REG(s, E1000_ICR) |= causes;
    e1000_irq_update(s);
}

/* Runs the pcie_dev_* calls from a sim thread, in the order the causes changed. */
void e1000_irq_thread(void *arg)
{
    e1000 *s = arg;
    for (;;) {
        while (!s->irq_kick)
            sim_wait_event(s->irq_ev);
        s->irq_kick = false;
        bool level = (E1000_REG(s, E1000_ICR) & E1000_REG(s, E1000_IMS)) != 0;
        if (!level) {
            if (s->intx_asserted && s->ep)
                pcie_dev_intx(s->ep, false);
            s->intx_asserted = false;
            continue;
        }
        if (s->irq_signalled)
            continue;
        uint32_t itr = E1000_REG(s, E1000_ITR) & 0xFFFFu;
        if (itr && s->irq_ever) {
            sim_time_t earliest = s->irq_last + (sim_time_t)itr * E1000_ITR_UNIT_NS * SIM_NS;
            if (sim_now() < earliest) {
                s->c.irq_throttled++;
                sim_wait(earliest - sim_now());
                if ((E1000_REG(s, E1000_ICR) & E1000_REG(s, E1000_IMS)) == 0 || s->irq_signalled)
                    continue;   /* read or masked meanwhile (or signalled by a newer pass) */
            }
        }
        s->irq_signalled = true;
        s->irq_ever = true;
        s->irq_last = sim_now();
        if (!s->ep)
            continue;
        if (pcie_dev_msi(s->ep, 0) == 0) {
            s->c.irq_msi++;
        } else if (!s->intx_asserted) {   /* MSI disabled: level-triggered INTA# */
            pcie_dev_intx(s->ep, true);
            s->intx_asserted = true;
            s->c.irq_intx_asserts++;
        }
    }
}

void e1000_irq_init(e1000 *s)
{
    s->irq_ev = sim_event_new("e1000.irq");
    e1000_delay_init(&s->rx_delay, s, E1000_ICR_RXT0, "e1000.rx_delay");
    e1000_delay_init(&s->tx_delay, s, E1000_ICR_TXDW, "e1000.tx_delay");
}

void e1000_irq_free(e1000 *s)
{
    e1000_delay_free(&s->rx_delay);
    e1000_delay_free(&s->tx_delay);
    sim_event_free(s->irq_ev);
}

/* ---- delay timers ---- */
static void delay_fire(void *arg)
{
    e1000_delay *d = arg;
    e1000_delay_cancel(d);
    e1000_irq_set(d->s, d->cause);
}

void e1000_delay_init(e1000_delay *d, e1000 *s, uint32_t cause, const char *name)
{
    d->s = s;
    d->cause = cause;
    d->rel = sim_event_new(name);
    d->abs = sim_event_new(name);
    sim_event_on(d->rel, delay_fire, d);
    sim_event_on(d->abs, delay_fire, d);
}

void e1000_delay_free(e1000_delay *d)
{
    sim_event_free(d->rel);
    sim_event_free(d->abs);
}

void e1000_delay_cancel(e1000_delay *d)
{
    sim_event_cancel(d->rel);
    sim_event_cancel(d->abs);
    d->armed = false;
    d->pending = false;
}

void e1000_delay_event(e1000_delay *d, uint32_t rel_units, uint32_t abs_units)
{
    const sim_time_t unit = (sim_time_t)E1000_DELAY_UNIT_NS * SIM_NS;
    if (rel_units == 0) {                 /* no delay configured: the cause is raised at once */
        e1000_delay_cancel(d);
        e1000_irq_set(d->s, d->cause);
        return;
    }
    d->pending = true;
    sim_event_cancel(d->rel);             /* the relative timer restarts with every event */
    sim_event_notify(d->rel, rel_units * unit);
    if (abs_units && !d->armed) {         /* the absolute timer runs from the first event */
        d->armed = true;
        sim_event_notify(d->abs, abs_units * unit);
    }
}

void e1000_delay_flush(e1000_delay *d)
{
    if (d->pending)
        delay_fire(d);
}
