/* module_stack.c — the current-module stack (the module whose code runs now; vmkapi's
 * VMKAPI_MODULE_CALL pushes the callee around every cross-module call) and the vmkapi module
 * calls built on it: vmk_ModuleRegister, vmk_ModuleGetID/GetName, vmk_ModulePushId/PopId/StackTop.
 * One stack, owned by whatever runs now: a blocking thread takes its entries with it
 * (kern_module_stack_take/give), so each world sees only its own. */
#include <string.h>

#include "kernel_model/costs.h"
#include "kernel_model/module/module.h"
#include "sim/sim.h"
#include "vmkapi/vmkapi.h"

static int stack[KERN_MOD_STACK_DEPTH];
static size_t depth;

int kern_module_push(int id, sim_err *err)
{
    if (id != VMK_KERNEL_MODULE_ID && !kern_module_by_id(id))
        return sim_err_set(err, "module stack: push of unknown module ID %d", id);
    if (depth == KERN_MOD_STACK_DEPTH)
        return sim_err_set(err, "module stack: more than %d nested module calls",
                           KERN_MOD_STACK_DEPTH);
    stack[depth++] = id;
    return 0;
}

int kern_module_pop(sim_err *err)
{
    if (depth == 0)
        return sim_err_set(err, "module stack: pop of an empty stack");
    depth--;
    return 0;
}

int kern_module_current(void)
{
    return depth ? stack[depth - 1] : VMK_KERNEL_MODULE_ID;
}

size_t kern_module_stack_depth(void)
{
    return depth;
}

void kern_module_stack_take(kern_module_stack_saved *s)
{
    memcpy(s->ids, stack, depth * sizeof stack[0]);
    s->depth = depth;
    depth = 0;
}

void kern_module_stack_give(const kern_module_stack_saved *s)
{
    /* Whoever ran meanwhile left the stack as it found it (empty), unless it was unbalanced:
     * that is reported where it happens; the resuming thread gets exactly its own entries. */
    memcpy(stack, s->ids, s->depth * sizeof stack[0]);
    depth = s->depth;
}

/* A module switching identity itself (as vmklinux does around every call into a Linux driver)
 * pays what the kernel's own calls into modules pay: one module_id_switch per push/pop pair. */
VMK_ReturnStatus vmk_ModulePushId(vmk_ModuleID id)
{
    sim_err err;
    if (kern_module_push(id, &err) == 0) {
        kern_cost_charge(KERN_COST_MODULE_ID_SWITCH, 0);
        return VMK_OK;
    }
    sim_log(SIM_LOG_ERROR, "modules", "vmk_ModulePushId: %s", err.msg);
    return depth == KERN_MOD_STACK_DEPTH ? VMK_LIMIT_EXCEEDED : VMK_INVALID_HANDLE;
}

void vmk_ModulePopId(void)
{
    sim_err err;
    if (kern_module_pop(&err) != 0)
        sim_log(SIM_LOG_ERROR, "modules", "vmk_ModulePopId: %s", err.msg);
}

vmk_ModuleID vmk_ModuleStackTop(void)
{
    return kern_module_current();
}

VMK_ReturnStatus vmk_ModuleRegister(vmk_ModuleID *id, vmk_uint32 vmkApiRevision)
{
    if (!id)
        return VMK_BAD_PARAM;
    kern_module *m = kern_module_initializing();
    if (!m || kern_module_current() != m->id)
        return VMK_NOT_SUPPORTED;   /* only from the module's own init_module */
    if (VMK_REVISION_MAJOR(vmkApiRevision) != VMK_REVISION_MAJOR(VMKAPI_REVISION)) {
        sim_log(SIM_LOG_WARN, m->name, "vmk_ModuleRegister: API revision %u.%u.%u.%u, kernel "
                "has major %u", vmkApiRevision >> 24, (vmkApiRevision >> 16) & 0xff,
                (vmkApiRevision >> 8) & 0xff, vmkApiRevision & 0xff,
                VMK_REVISION_MAJOR(VMKAPI_REVISION));
        return VMK_VERSION_MISMATCH_MAJOR;
    }
    *id = m->id;
    return VMK_OK;
}

VMK_ReturnStatus vmk_ModuleGetName(vmk_ModuleID id, char *name, vmk_ByteCount len)
{
    if (!name || len == 0)
        return VMK_BAD_PARAM;
    const char *src;
    if (id == VMK_KERNEL_MODULE_ID) {
        src = "vmkernel";
    } else {
        kern_module *m = kern_module_by_id(id);
        if (!m)
            return VMK_NOT_FOUND;
        src = m->name;
    }
    size_t n = strnlen(src, len - 1);
    memcpy(name, src, n);
    name[n] = '\0';
    return VMK_OK;
}

vmk_ModuleID vmk_ModuleGetID(const char *name)
{
    if (!name)
        return VMK_INVALID_MODULE_ID;
    if (!strcmp(name, "vmkernel"))
        return VMK_KERNEL_MODULE_ID;
    kern_module *m = kern_module_find(name);
    return m ? m->id : VMK_INVALID_MODULE_ID;
}
