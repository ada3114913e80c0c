// slot_test_util.h — a platform with hot-plug slots for the slot-controller tests: rp0 (slot 5,
// a card "card0"), rp1 (slot 9, empty), rp2 (no slot) with switch sw0 whose dp1 is slot 21
// (empty). A small endpoint model, a host that records MSI/INTx, config access by bus/dev/fn.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

extern "C" {
#include "devices/pcie/fabric.h"
#include "devices/pcie/pci_access.h"
#include "devices/pcie/pcie_regs.h"
#include "devices/pcie/slot.h"
#include "devices/pcie/link_timing.h"
}

namespace slottest {

constexpr int kExp = 0x40;   // PCI Express capability of every port (fabric_internal.h)
constexpr int kMsi = 0x88;   // 64-bit MSI capability of downstream-facing ports
constexpr uint16_t kVendor = 0x1AB4, kDevice = 0x51D7;

struct card_state {
    pcie_endpoint *ep = nullptr;
};

inline int card_init(const pcie_ep_ctx *ctx, pcie_cfg *cfg, void **state, sim_err *err)
{
    pcie_cfg_init_common(cfg, kVendor, kDevice, 1, 0x020000, PCIE_HEADER_TYPE_NORMAL);
    if (!pcie_cfg_add_bar(cfg, 0, PCIE_BAR_MEM32, false, 4096))
        return sim_err_set(err, "slot_card: BAR");
    if (pcie_ep_add_exp(ctx, cfg, 0x40, err) != 0)
        return -1;
    *state = new card_state;
    return 0;
}
inline void card_free(void *s)
{
    sim_cancel_owner(s);
    delete static_cast<card_state *>(s);
}
inline void card_attach(void *s, pcie_endpoint *ep) { static_cast<card_state *>(s)->ep = ep; }

inline const pcie_ep_model card_model = {"slot_card", "slot test card", card_init, card_free,
                                         nullptr, card_attach};

struct host_rec {
    struct msi { sim_time_t t; uint16_t rid; uint64_t addr; uint32_t data; };
    struct intx { sim_time_t t; uint16_t rid; int pin; bool asserted; };
    std::vector<msi> msis;
    std::vector<intx> intxs;
};
inline int host_dma(void *, uint16_t, uint64_t, void *, size_t, bool) { return PCIE_DMA_OK; }
inline void host_msi(void *ctx, uint16_t rid, uint64_t addr, uint32_t data)
{
    static_cast<host_rec *>(ctx)->msis.push_back({sim_now(), rid, addr, data});
}
inline void host_intx(void *ctx, uint16_t rid, int pin, bool asserted)
{
    static_cast<host_rec *>(ctx)->intxs.push_back({sim_now(), rid, pin, asserted});
}
inline const pcie_host_ops host_ops = {host_dma, host_msi, host_intx};

inline void run_thread_fn(void *arg) { (*static_cast<std::function<void()> *>(arg))(); }

struct Where { int b, d; };
constexpr Where kRp0{0, 1}, kRp1{0, 2}, kRp2{0, 3}, kSwUp{10, 0}, kDp1{11, 1};

class Slots : public ::testing::Test {
protected:
    platform_desc desc;
    pcie_fabric *f = nullptr;
    host_rec host;
    pcie_slot *s5 = nullptr, *s9 = nullptr, *s21 = nullptr;

    void SetUp() override
    {
        sim_log_set_level(SIM_LOG_WARN);
        sim_err e;
        ASSERT_EQ(0, pcie_ep_model_register(&card_model, &e)) << e.msg;
        platform_desc_init(&desc);
        desc.nroot_ports = 3;
        for (int i = 0; i < 3; i++) {
            desc.root_ports[i].link = pcie_link_params_default();
            desc.root_ports[i].kind = PCIE_NODE_EMPTY;
        }
        desc.root_ports[0].slot = 5;
        desc.root_ports[0].hotplug = true;
        desc.root_ports[0].kind = PCIE_NODE_ENDPOINT;
        snprintf(desc.root_ports[0].endpoint.model, PLATFORM_NAME_LEN, "slot_card");
        snprintf(desc.root_ports[0].endpoint.name, PLATFORM_NAME_LEN, "card0");
        desc.root_ports[1].slot = 9;
        desc.root_ports[1].hotplug = true;
        pcie_port_desc *rp2 = &desc.root_ports[2];
        rp2->kind = PCIE_NODE_SWITCH;
        rp2->sw = static_cast<pcie_switch_desc *>(calloc(1, sizeof(pcie_switch_desc)));
        snprintf(rp2->sw->name, PLATFORM_NAME_LEN, "sw0");
        rp2->sw->nports = 2;
        rp2->sw->hop_latency_ps = 150 * SIM_NS;
        rp2->sw->cut_through = true;
        for (int i = 0; i < 2; i++) {
            rp2->sw->ports[i].link = pcie_link_params_default();
            rp2->sw->ports[i].kind = PCIE_NODE_EMPTY;
        }
        rp2->sw->ports[1].slot = 21;
        rp2->sw->ports[1].hotplug = true;
        ASSERT_EQ(0, pcie_fabric_build(&desc, &f, &e)) << e.msg;
        pcie_fabric_set_host(f, &host_ops, &host);
        buses(kRp0, 0, 1, 1);
        buses(kRp1, 0, 2, 2);
        buses(kRp2, 0, 10, 20);
        buses(kSwUp, 10, 11, 20);
        buses(Where{11, 0}, 11, 12, 12);
        buses(kDp1, 11, 13, 13);
        s5 = pcie_slot_find(f, 5);
        s9 = pcie_slot_find(f, 9);
        s21 = pcie_slot_find(f, 21);
        ASSERT_TRUE(s5 && s9 && s21);
        // Let anything the setup started settle.
        sim_run_until(sim_now());
    }
    void TearDown() override
    {
        pcie_fabric_free(f);
        platform_desc_free(&desc);
    }

    void buses(Where w, int pri, int sec, int sub)
    {
        pcie_cfg_write(f, (uint8_t)w.b, (uint8_t)w.d, 0, PCIE_PRIMARY_BUS, 1, (uint32_t)pri);
        pcie_cfg_write(f, (uint8_t)w.b, (uint8_t)w.d, 0, PCIE_SECONDARY_BUS, 1, (uint32_t)sec);
        pcie_cfg_write(f, (uint8_t)w.b, (uint8_t)w.d, 0, PCIE_SUBORDINATE_BUS, 1, (uint32_t)sub);
    }
    uint32_t r32(Where w, int off) { return pcie_cfg_read(f, (uint8_t)w.b, (uint8_t)w.d, 0, (uint16_t)off, 4); }
    uint16_t r16(Where w, int off) { return (uint16_t)pcie_cfg_read(f, (uint8_t)w.b, (uint8_t)w.d, 0, (uint16_t)off, 2); }
    void w16(Where w, int off, uint16_t v) { pcie_cfg_write(f, (uint8_t)w.b, (uint8_t)w.d, 0, (uint16_t)off, 2, v); }
    void w32(Where w, int off, uint32_t v) { pcie_cfg_write(f, (uint8_t)w.b, (uint8_t)w.d, 0, (uint16_t)off, 4, v); }

    uint16_t ctl(Where w) { return r16(w, kExp + PCIE_EXP_SLTCTL); }
    uint16_t sta(Where w) { return r16(w, kExp + PCIE_EXP_SLTSTA); }
    uint16_t lnksta(Where w) { return r16(w, kExp + PCIE_EXP_LNKSTA); }
    void setctl(Where w, uint16_t v) { w16(w, kExp + PCIE_EXP_SLTCTL, v); }
    void clearsta(Where w, uint16_t v) { w16(w, kExp + PCIE_EXP_SLTSTA, v); }
    // Slot Control with only the given bits changed.
    void ctl_bits(Where w, uint16_t set, uint16_t clear)
    {
        setctl(w, (uint16_t)((ctl(w) & ~clear) | set));
    }

    // Programs the port's MSI capability and Bus Master Enable, as the OS's port driver does.
    void enable_msi(Where w, uint64_t addr, uint16_t data)
    {
        w32(w, kMsi + PCIE_MSI_ADDRESS_LO, (uint32_t)addr);
        w32(w, kMsi + PCIE_MSI_ADDRESS_HI, (uint32_t)(addr >> 32));
        w16(w, kMsi + PCIE_MSI_DATA_64, data);
        w16(w, kMsi + PCIE_MSI_FLAGS, PCIE_MSI_FLAGS_ENABLE);
        w16(w, PCIE_COMMAND, (uint16_t)(r16(w, PCIE_COMMAND) | PCIE_COMMAND_MASTER));
    }

    void run_for(sim_time_t d) { sim_run_until(sim_now() + d); }
    sim_time_t link_time()
    {
        pcie_slot_timing t = pcie_slot_timing_default();
        return t.power_stable_ps + t.detect_ps + t.train_ps;
    }
    pcie_slot_state st(pcie_slot *s)
    {
        pcie_slot_state o;
        pcie_slot_get_state(s, &o);
        return o;
    }
    // Runs body in a sim thread until nothing is left to do.
    void in_thread(std::function<void()> body)
    {
        sim_thread_spawn("test", run_thread_fn, &body);
        sim_run_until(SIM_TIME_MAX);
    }
    // Powers the empty slot 9 on and inserts a card; returns when the link is up.
    void insert_and_train(const char *name)
    {
        sim_err e;
        ASSERT_EQ(0, pcie_slot_insert(s9, "slot_card", name, &e)) << e.msg;
        ctl_bits(kRp1, 0, PCIE_EXP_SLTCTL_PCC);
        run_for(link_time());
        ASSERT_TRUE(lnksta(kRp1) & PCIE_EXP_LNKSTA_DLLLA);
    }
};

}  // namespace slottest
