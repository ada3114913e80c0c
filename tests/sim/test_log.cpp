// test_log.cpp — the engine log (sim/log.c): line format with simulated time in picoseconds,
// padded level words, the level filter, the sink and the FILE output.
#include "engine_test.h"

#include <cstdio>
#include <string>

namespace {

struct Captured {
    std::vector<std::string> lines;
    std::vector<sim_log_level> levels;
    static void sink(void *ctx, sim_log_level lvl, const char *line)
    {
        auto *c = static_cast<Captured *>(ctx);
        c->lines.push_back(line);
        c->levels.push_back(lvl);
    }
};

// Captures through the sink, with the file output silenced; restores the defaults afterwards.
struct LogCapture {
    Captured cap;
    LogCapture()
    {
        sim_log_set_file(nullptr);
        sim_log_set_sink(Captured::sink, &cap);
    }
    ~LogCapture()
    {
        sim_log_set_sink(nullptr, nullptr);
        sim_log_set_file(stderr);
        sim_log_set_level(SIM_LOG_INFO);
    }
};

void log_from_thread(void *)
{
    sim_wait(SIM_PS);
    sim_log(SIM_LOG_WARN, "nic0", "link %s", "down");
}

TEST(SimLog, LineCarriesPicosecondTimeLevelAndComponent)
{
    const sim_time_t at = 12 * SIM_SEC + 345678901234ULL;
    ASSERT_LT(sim_now(), at) << "this test needs the simulated clock below 12.3 s";
    sim_run_until(at - 1);
    LogCapture lc;
    sim_thread_spawn("logger", log_from_thread, nullptr);
    sim_run_until(at);
    sim_log(SIM_LOG_INFO, "pcie", "hello %d", 42);
    ASSERT_EQ(lc.cap.lines.size(), 2u);
    EXPECT_EQ(lc.cap.lines[0], "[   12.345678901234] warn  nic0: link down");
    EXPECT_EQ(lc.cap.lines[1], "[   12.345678901234] info  pcie: hello 42");
    EXPECT_EQ(lc.cap.levels[0], SIM_LOG_WARN);
}

TEST(SimLog, BeforeTheSimulationStartsTimeIsZero)
{
    if (sim_now() != 0)
        GTEST_SKIP() << "another test has advanced the clock in this process";
    LogCapture lc;
    sim_log(SIM_LOG_ERROR, "boot", "early");
    ASSERT_EQ(lc.cap.lines.size(), 1u);
    EXPECT_EQ(lc.cap.lines[0], "[    0.000000000000] error boot: early");
}

TEST(SimLog, LevelWordsArePaddedToOneWidth)
{
    LogCapture lc;
    sim_log_set_level(SIM_LOG_TRACE);
    const sim_log_level all[] = {SIM_LOG_ERROR, SIM_LOG_WARN, SIM_LOG_INFO, SIM_LOG_DEBUG,
                                 SIM_LOG_TRACE};
    for (sim_log_level l : all)
        sim_log(l, "c", "m");
    const char *words[] = {"] error c: m", "] warn  c: m", "] info  c: m", "] debug c: m",
                           "] trace c: m"};
    ASSERT_EQ(lc.cap.lines.size(), 5u);
    for (int i = 0; i < 5; i++) {
        EXPECT_EQ(lc.cap.lines[i].substr(19), words[i]);
        EXPECT_EQ(lc.cap.lines[i][0], '[');
        EXPECT_EQ(lc.cap.lines[i][6], '.');
    }
}

TEST(SimLog, LevelFilterDropsMoreVerboseLines)
{
    LogCapture lc;
    sim_log(SIM_LOG_DEBUG, "c", "default filter is info");
    sim_log(SIM_LOG_INFO, "c", "info passes");
    sim_log_set_level(SIM_LOG_WARN);
    sim_log(SIM_LOG_INFO, "c", "dropped");
    sim_log(SIM_LOG_WARN, "c", "warn passes");
    sim_log(SIM_LOG_ERROR, "c", "error passes");
    sim_log_set_level(SIM_LOG_DEBUG);
    sim_log(SIM_LOG_DEBUG, "c", "debug passes");
    sim_log(SIM_LOG_TRACE, "c", "dropped");
    ASSERT_EQ(lc.cap.levels.size(), 4u);
    EXPECT_EQ(lc.cap.levels, (std::vector<sim_log_level>{SIM_LOG_INFO, SIM_LOG_WARN,
                                                          SIM_LOG_ERROR, SIM_LOG_DEBUG}));
    for (const std::string &l : lc.cap.lines)
        EXPECT_EQ(l.find("dropped"), std::string::npos) << l;
}

TEST(SimLog, FileGetsLinesWithNewlineAndNullSilences)
{
    LogCapture lc;
    FILE *f = std::tmpfile();
    ASSERT_NE(f, nullptr);
    sim_log_set_file(f);
    sim_log(SIM_LOG_INFO, "disk", "one");
    sim_log_set_file(nullptr);
    sim_log(SIM_LOG_INFO, "disk", "silenced in the file");
    std::rewind(f);
    char buf[256] = {};
    size_t n = std::fread(buf, 1, sizeof buf - 1, f);
    std::fclose(f);
    ASSERT_EQ(lc.cap.lines.size(), 2u); // the sink still sees both
    EXPECT_EQ(std::string(buf, n), lc.cap.lines[0] + "\n");
}

TEST(SimLog, LongMessagesAreKeptWhole)
{
    LogCapture lc;
    std::string big(5000, 'x');
    sim_log(SIM_LOG_INFO, "big", "%s|", big.c_str());
    ASSERT_EQ(lc.cap.lines.size(), 1u);
    EXPECT_EQ(lc.cap.lines[0].size(), std::string("[    0.000000000000] info  big: ").size() + 5001);
    EXPECT_EQ(lc.cap.lines[0].back(), '|');
}

} // namespace
