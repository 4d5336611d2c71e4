// The kernel console's UART drivers against fake register files: the register logic
// (offsets, shift, polling until the transmitter has room, Cadence's and i.MX's TX enable) through
// a scripted fake, and each registered driver end to end on a host array standing in
// for the device's registers.
#include "cadence_uart.hpp"
#include "imx_uart.hpp"
#include "ns16550_uart.hpp"
#include "pl011_uart.hpp"
#include "uart_driver.hpp"

#include <gtest/gtest.h>

#include <array>
#include <map>
#include <utility>
#include <vector>

namespace {

using namespace kernel::console;

// Registers by byte offset; a status register can read `busy` for a number of polls
// before it reads `ready`.
struct FakeIo {
    std::map<uint32_t, uint32_t> regs;
    uint32_t status_off = 0xfff; // none unless a test names one
    uint32_t busy = 0;
    uint32_t ready = 0;
    int busy_polls = 0;
    int polls = 0;
    std::vector<std::pair<uint32_t, uint32_t>> writes;

    uint32_t read32(uint32_t off) {
        if (off == status_off) {
            ++polls;
            return busy_polls-- > 0 ? busy : ready;
        }
        return regs[off];
    }
    void write32(uint32_t off, uint32_t v) {
        writes.emplace_back(off, v);
        regs[off] = v;
    }
};

TEST(Pl011Uart, WaitsWhileTheTxFifoIsFullThenWritesData) {
    FakeIo io{.status_off = pl011::kFlags, .busy = pl011::kTxFifoFull, .busy_polls = 3};
    pl011::put(io, 'A');
    EXPECT_EQ(io.polls, 4);
    ASSERT_EQ(io.writes.size(), 1u);
    EXPECT_EQ(io.writes[0], std::make_pair(uint32_t{0x00}, uint32_t{'A'}));
}

TEST(Ns16550Uart, TegraShiftSpacesRegistersOneWordApart) {
    // Tegra: reg-shift 2, so LSR (register 5) is at byte 0x14.
    FakeIo io{.status_off = 0x14, .busy = 0, .ready = ns16550::kLsrThrEmpty, .busy_polls = 2};
    ns16550::put(io, 2, 'z');
    EXPECT_EQ(io.polls, 3);
    ASSERT_EQ(io.writes.size(), 1u);
    EXPECT_EQ(io.writes[0], std::make_pair(uint32_t{0x0}, uint32_t{'z'}));
}

TEST(Ns16550Uart, ShiftZeroIsBytePacked) {
    FakeIo io{.status_off = 5, .ready = ns16550::kLsrThrEmpty};
    ns16550::put(io, 0, '\n');
    EXPECT_EQ(io.polls, 1);
    EXPECT_EQ(io.writes.at(0), std::make_pair(uint32_t{0}, uint32_t{'\n'}));
}

TEST(CadenceUart, InitEnablesTheTransmitterAndKeepsTheRest) {
    FakeIo io;
    io.regs[cadence::kControl] = 0x128; // QEMU's reset value: RX and TX disabled, stop break
    cadence::init(io);
    EXPECT_EQ(io.regs[cadence::kControl], 0x108u | cadence::kControlTxEnable);
}

TEST(CadenceUart, WaitsWhileTheTxFifoIsFullThenWritesTheFifo) {
    FakeIo io{
        .status_off = cadence::kChannelStatus, .busy = cadence::kStatusTxFull, .busy_polls = 5};
    cadence::put(io, '#');
    EXPECT_EQ(io.polls, 6);
    EXPECT_EQ(io.writes.at(0), std::make_pair(cadence::kFifo, uint32_t{'#'}));
}

TEST(ImxUart, InitEnablesUartAndTransmitterKeepingTheRest) {
    FakeIo io;
    io.regs[imx::kControl1] = 0x2000; // RRDYEN set by a boot loader, UART off
    io.regs[imx::kControl2] = 0x4022; // IRTS, WS, RXEN; in reset (SRST reads 0)
    io.regs[imx::kControl3] = 0x704;  // a register the driver does not touch
    imx::init(io);
    EXPECT_EQ(io.regs[imx::kControl1], 0x2000u | imx::kControl1UartEnable);
    EXPECT_EQ(io.regs[imx::kControl2], 0x4022u | imx::kControl2NotReset | imx::kControl2TxEnable);
    EXPECT_EQ(io.regs[imx::kControl3], 0x704u);
    EXPECT_EQ(io.writes.size(), 2u);
}

TEST(ImxUart, InitLeavesAUartUBootSetUpAlone) {
    FakeIo io;
    io.regs[imx::kControl1] = imx::kControl1UartEnable;
    io.regs[imx::kControl2] = 0x4027; // TXEN, RXEN, SRST high: running
    imx::init(io);
    EXPECT_TRUE(io.writes.empty());
}

TEST(ImxUart, WaitsWhileTheTxFifoIsFullThenWritesUtxd) {
    FakeIo io{.status_off = imx::kTest, .busy = imx::kTestTxFull, .busy_polls = 4};
    imx::put(io, 'i');
    EXPECT_EQ(io.polls, 5);
    ASSERT_EQ(io.writes.size(), 1u);
    EXPECT_EQ(io.writes[0], std::make_pair(imx::kTxData, uint32_t{'i'}));
    // Not the receive register at 0, nor a status register.
    EXPECT_NE(imx::kTxData, imx::kRxData);
    EXPECT_EQ(io.regs.count(imx::kStatus1) + io.regs.count(imx::kStatus2), 0u);
}

TEST(UartRegistry, NoDriverForNone) {
    EXPECT_EQ(find_driver(spec::ConsoleKind::None), nullptr);
    EXPECT_EQ(find_driver(static_cast<spec::ConsoleKind>(99)), nullptr);
}

// The registered drivers themselves, their registers a host array.
struct RegisterFile {
    alignas(8) std::array<uint32_t, 64> words{};
    UartPort port(uint32_t shift = 0) { return {reinterpret_cast<uint64_t>(words.data()), shift}; }
    uint32_t& at(uint32_t off) { return words.at(off / 4); }
};

TEST(UartRegistry, EachKindHasItsDriver) {
    for (const auto kind : {spec::ConsoleKind::Pl011, spec::ConsoleKind::Ns16550,
                            spec::ConsoleKind::Cadence, spec::ConsoleKind::Imx}) {
        const UartDriver* d = find_driver(kind);
        ASSERT_NE(d, nullptr) << static_cast<int>(kind);
        EXPECT_EQ(d->kind, kind);
    }
}

TEST(UartRegistry, Pl011DriverWritesTheDataRegister) {
    RegisterFile f;
    const UartDriver& d = *find_driver(spec::ConsoleKind::Pl011);
    d.init(f.port());
    d.put(f.port(), 'p');
    EXPECT_EQ(f.at(0x00), uint32_t{'p'});
}

TEST(UartRegistry, Ns16550DriverUsesThePortsShift) {
    RegisterFile f;
    f.at(5 << 2) = ns16550::kLsrThrEmpty;
    const UartDriver& d = *find_driver(spec::ConsoleKind::Ns16550);
    d.init(f.port(2));
    d.put(f.port(2), 'n');
    EXPECT_EQ(f.at(0), uint32_t{'n'});
    EXPECT_EQ(f.at(5 << 2), ns16550::kLsrThrEmpty); // nothing else written
}

TEST(UartRegistry, CadenceDriverEnablesTxThenWritesTheFifo) {
    RegisterFile f;
    f.at(cadence::kControl) = cadence::kControlTxDisable;
    const UartDriver& d = *find_driver(spec::ConsoleKind::Cadence);
    d.init(f.port());
    EXPECT_EQ(f.at(cadence::kControl), cadence::kControlTxEnable);
    d.put(f.port(), 'c');
    EXPECT_EQ(f.at(cadence::kFifo), uint32_t{'c'});
}

TEST(UartRegistry, ImxDriverEnablesTheUartThenWritesUtxd) {
    RegisterFile f;
    const UartDriver& d = *find_driver(spec::ConsoleKind::Imx);
    d.init(f.port());
    EXPECT_EQ(f.at(imx::kControl1), imx::kControl1UartEnable);
    EXPECT_EQ(f.at(imx::kControl2), imx::kControl2NotReset | imx::kControl2TxEnable);
    d.put(f.port(), 'x');
    EXPECT_EQ(f.at(imx::kTxData), uint32_t{'x'});
    EXPECT_EQ(f.at(imx::kRxData), 0u);
}

} // namespace
