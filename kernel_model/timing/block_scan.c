/* block_scan.c — finds how many machine instructions an instrumented basic block holds, by
 * disassembling the loaded module's code in memory with Capstone (x86-64), once per block.
 * What belongs to a block (prologue, fall-through, jumps, branch tails) is defined in
 * docs/timing.md "What is counted"; the code below follows that text rule by rule. */
#include <capstone/capstone.h>
#include <string.h>

#include "kernel_model/timing/timing_internal.h"
#include "sim/sim.h"

#define SCAN_MAX_INSNS 4096   /* a block walk longer than this is cut (a guard, never reached
                               * by compiled C: every loop has a hook) */
#define SIDE_MAX_INSNS 64     /* a branch tail is a few compiler-made instructions */
#define PROLOGUE_MAX_INSNS 256
#define MAX_JUMPS 32          /* unconditional jumps followed in one walk */
#define X86_MAX_INSN_LEN 15   /* Intel SDM vol. 2, 2.3.11 */

typedef enum scan_kind {
    SK_PLAIN,         /* falls through to the next instruction */
    SK_HOOK_CALL,     /* call __sanitizer_cov_trace_pc: the start of the next block */
    SK_CALL,          /* any other call: the callee is counted by its own blocks */
    SK_RET,
    SK_JMP,           /* direct unconditional jump */
    SK_JMP_INDIRECT,
    SK_JCC,           /* conditional branch (jcc, jrcxz, loop*) */
    SK_STOP,          /* ud2, hlt, int3, int n: execution does not simply go on */
} scan_kind;

typedef enum side_end { SIDE_HOOK, SIDE_RET, SIDE_UNKNOWN } side_end;

static csh g_cs;
static cs_insn *g_insn;
static int g_cs_state;   /* 0 not tried, 1 ready, -1 failed */

static bool cs_ready(void)
{
    if (g_cs_state == 0) {
        g_cs_state = -1;
        if (cs_open(CS_ARCH_X86, CS_MODE_64, &g_cs) != CS_ERR_OK) {
            sim_log(SIM_LOG_ERROR, "timing", "Capstone x86-64 disassembler cannot be opened: "
                    "measured code will count 0 instructions");
            return false;
        }
        cs_option(g_cs, CS_OPT_DETAIL, CS_OPT_ON);
        g_insn = cs_malloc(g_cs);
        g_cs_state = g_insn ? 1 : -1;
    }
    return g_cs_state == 1;
}

static uint64_t read_u64(uintptr_t a)
{
    uint64_t v;
    memcpy(&v, (const void *)a, sizeof v);
    return v;
}

static int32_t read_s32(uintptr_t a)
{
    int32_t v;
    memcpy(&v, (const void *)a, sizeof v);
    return v;
}

static bool slot_holds_hook(const kern_tmodule *m, uintptr_t slot)
{
    return kern_tmodule_readable(m, slot, 8) &&
           read_u64(slot) == (uint64_t)(uintptr_t)&__sanitizer_cov_trace_pc;
}

/* A direct call's target is the hook itself, or the module's PLT stub for it:
 * [endbr64] [bnd] jmp *disp32(%rip) whose GOT slot holds the hook's address. */
static bool is_hook_target(const kern_tmodule *m, uintptr_t t)
{
    if (t == (uintptr_t)&__sanitizer_cov_trace_pc || (m->hook_stub && t == m->hook_stub))
        return true;
    if (!kern_tmodule_readable(m, t, 16))
        return false;
    const uint8_t *p = (const uint8_t *)t;
    uintptr_t a = t;
    static const uint8_t endbr64[4] = {0xf3, 0x0f, 0x1e, 0xfa};
    if (memcmp(p, endbr64, 4) == 0)
        a += 4;
    if (*(const uint8_t *)a == 0xf2)   /* BND prefix (MPX PLT) */
        a += 1;
    const uint8_t *q = (const uint8_t *)a;
    if (q[0] != 0xff || q[1] != 0x25)
        return false;
    uintptr_t slot = a + 6 + (intptr_t)read_s32(a + 2);
    if (!slot_holds_hook(m, slot))
        return false;
    kern_tmodule_set_hook_stub(m, t);
    return true;
}

/* Decodes the instruction at a (inside m's counted code) and classifies it. */
static bool decode(const kern_tmodule *m, uintptr_t a, scan_kind *kind, uintptr_t *target,
                   size_t *len)
{
    if (a < m->start || a >= m->end)
        return false;
    const uint8_t *code = (const uint8_t *)a;
    size_t size = m->end - a < X86_MAX_INSN_LEN ? m->end - a : X86_MAX_INSN_LEN;
    uint64_t addr = a;
    if (!cs_disasm_iter(g_cs, &code, &size, &addr, g_insn))
        return false;
    const cs_insn *in = g_insn;
    const cs_x86 *x = &in->detail->x86;
    *len = in->size;
    *target = 0;
    bool imm = x->op_count == 1 && x->operands[0].type == X86_OP_IMM;
    switch (in->id) {
    case X86_INS_CALL:
        if (imm) {
            *target = (uintptr_t)x->operands[0].imm;
            *kind = is_hook_target(m, *target) ? SK_HOOK_CALL : SK_CALL;
        } else if (x->op_count == 1 && x->operands[0].type == X86_OP_MEM &&
                   x->operands[0].mem.base == X86_REG_RIP &&
                   x->operands[0].mem.index == X86_REG_INVALID) {
            uintptr_t slot = a + in->size + (intptr_t)x->operands[0].mem.disp;
            *kind = slot_holds_hook(m, slot) ? SK_HOOK_CALL : SK_CALL;
        } else {
            *kind = SK_CALL;
        }
        return true;
    case X86_INS_LCALL:
        *kind = SK_CALL;
        return true;
    case X86_INS_JMP:
        *kind = imm ? SK_JMP : SK_JMP_INDIRECT;
        if (imm)
            *target = (uintptr_t)x->operands[0].imm;
        return true;
    case X86_INS_LJMP:
        *kind = SK_JMP_INDIRECT;
        return true;
    case X86_INS_UD2: case X86_INS_HLT: case X86_INS_INT3:
        *kind = SK_STOP;
        return true;
    default:
        break;
    }
    if (cs_insn_group(g_cs, in, CS_GRP_RET) || cs_insn_group(g_cs, in, CS_GRP_IRET)) {
        *kind = SK_RET;
    } else if (cs_insn_group(g_cs, in, CS_GRP_JUMP)) {
        *kind = imm ? SK_JCC : SK_STOP;
        if (imm)
            *target = (uintptr_t)x->operands[0].imm;
    } else if (cs_insn_group(g_cs, in, CS_GRP_INT)) {
        *kind = SK_STOP;
    } else {
        *kind = SK_PLAIN;
    }
    return true;
}

static bool seen(const uintptr_t *v, int n, uintptr_t a)
{
    for (int i = 0; i < n; i++)
        if (v[i] == a)
            return true;
    return false;
}

/* Walks one side of a conditional branch through hook-free code: straight-line instructions and
 * direct jumps, until a hook call (SIDE_HOOK, *site = its return address), a return (SIDE_RET),
 * or anything whose continuation the next hook could not identify (SIDE_UNKNOWN). */
static side_end walk_side(const kern_tmodule *m, uintptr_t a, uintptr_t *site, uint32_t *n)
{
    uintptr_t jumps[MAX_JUMPS];
    int njumps = 0;
    *n = 0;
    *site = 0;
    for (int steps = 0; steps < SIDE_MAX_INSNS; steps++) {
        scan_kind k;
        uintptr_t t;
        size_t len;
        if (!decode(m, a, &k, &t, &len))
            return SIDE_UNKNOWN;
        if (k == SK_HOOK_CALL) {
            *site = a + len;
            return SIDE_HOOK;
        }
        ++*n;
        switch (k) {
        case SK_PLAIN:
            a += len;
            if (kern_tmodule_function_start(m, a) == a)
                return SIDE_UNKNOWN;   /* ran into the next function */
            break;
        case SK_RET:
            return SIDE_RET;
        case SK_JMP:
            if (njumps == MAX_JUMPS || seen(jumps, njumps, t))
                return SIDE_UNKNOWN;
            jumps[njumps++] = t;
            a = t;
            break;
        default:   /* calls, further branches, indirect jumps, traps */
            return SIDE_UNKNOWN;
        }
    }
    return SIDE_UNKNOWN;
}

static uint32_t min_u32(uint32_t a, uint32_t b) { return a < b ? a : b; }

/* The two sides of the block's final conditional branch: charge what is certain now, leave the
 * rest to the next hook (a tail). */
static void analyse_tail(const kern_tmodule *m, uintptr_t taken, uintptr_t fall, kern_tblock *b)
{
    uintptr_t s[2];
    uint32_t n[2];
    side_end e[2] = {walk_side(m, taken, &s[0], &n[0]), walk_side(m, fall, &s[1], &n[1])};
    kern_ttail t = {.owner = b->owner};
    /* A side that cannot be followed (an indirect jump, a call, another branch) might reach any
     * hook, the other side's included: the next hook identifies neither side, so neither side's
     * hook-free instructions are charged (a documented undercount). */
    if (e[0] == SIDE_UNKNOWN || e[1] == SIDE_UNKNOWN)
        return;
    if (e[0] == SIDE_RET && e[1] == SIDE_RET) {
        b->insns += min_u32(n[0], n[1]);          /* exact when equal; see docs */
        return;
    }
    if (e[0] == SIDE_HOOK && e[1] == SIDE_HOOK && s[0] == s[1]) {
        b->insns += min_u32(n[0], n[1]);          /* both join at one hook: exact when equal */
        return;
    }
    for (int i = 0; i < 2; i++) {
        if (e[i] == SIDE_HOOK) {
            if (!t.site_a) {
                t.site_a = s[i];
                t.n_a = n[i];
            } else {
                t.site_b = s[i];
                t.n_b = n[i];
            }
        } else if (e[i] == SIDE_RET) {
            t.n_default = n[i];
        }
    }
    if (t.n_a || t.n_b || t.n_default) {
        t.active = true;
        b->tail = t;
        b->has_tail = true;
    }
}

/* The hook call whose return address is pc: its address, or 0 if it is not recognised. */
static uintptr_t hook_call_site(const kern_tmodule *m, uintptr_t pc)
{
    if (pc >= m->start + 5 && *(const uint8_t *)(pc - 5) == 0xe8 &&
        is_hook_target(m, pc + (intptr_t)read_s32(pc - 4)))
        return pc - 5;
    if (pc >= m->start + 6 && *(const uint8_t *)(pc - 6) == 0xff &&
        *(const uint8_t *)(pc - 5) == 0x15 && slot_holds_hook(m, pc + (intptr_t)read_s32(pc - 4)))
        return pc - 6;
    return 0;
}

/* Instructions from the function's entry to the function's first hook, if they run straight. */
static uint32_t prologue_insns(const kern_tmodule *m, uintptr_t pc)
{
    uintptr_t call = hook_call_site(m, pc);
    uintptr_t f = call ? kern_tmodule_function_start(m, call) : 0;
    if (!f)
        return 0;
    uint32_t n = 0;
    uintptr_t a = f;
    while (a < call && n < PROLOGUE_MAX_INSNS) {
        scan_kind k;
        uintptr_t t;
        size_t len;
        if (!decode(m, a, &k, &t, &len) || k != SK_PLAIN)
            return 0;
        n++;
        a += len;
    }
    return a == call ? n : 0;
}

int kern_tscan_block(const kern_tmodule *m, uintptr_t pc, kern_tblock *b)
{
    memset(b, 0, sizeof *b);
    b->pc = pc;
    b->owner = (int16_t)m->owner;
    if (!cs_ready())
        return -1;
    uint32_t n = prologue_insns(m, pc);
    uintptr_t jumps[MAX_JUMPS];
    int njumps = 0;
    uintptr_t a = pc;
    for (int steps = 0; steps < SCAN_MAX_INSNS; steps++) {
        scan_kind k;
        uintptr_t t;
        size_t len;
        if (!decode(m, a, &k, &t, &len) || k == SK_HOOK_CALL)
            break;
        n++;
        if (k == SK_PLAIN || k == SK_CALL) {
            a += len;
            if (kern_tmodule_function_start(m, a) == a)
                break;   /* after a call that does not return, the next function begins */
            continue;
        }
        if (k == SK_JMP && njumps < MAX_JUMPS && !seen(jumps, njumps, t)) {
            jumps[njumps++] = t;
            a = t;
            continue;
        }
        if (k == SK_JCC)
            analyse_tail(m, t, a + len, b);
        break;   /* ret, indirect jump, trap, or a jump out of reach */
    }
    b->insns += n;
    return 0;
}
