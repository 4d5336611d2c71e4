// The `virtio_con` VMM device (hvc0 through a SerialServer) created by DeviceHost, driven
// through the MMIO bus as Linux's virtio_mmio and virtio_console drive it, with a fake
// SerialServer behind its connections (BackendPort): output through the batch ring and
// the server's wake-up bit (signalled once per transmit kick, a batch() call only for a
// full ring), or batch() calls where there is no wake-up capability, whole however much
// the guest writes; the transmit interrupt decided at the next kick or wait, so a polling
// driver takes none; the 3.8 putchar path; input from the getchar ring into the guest's
// buffers when the server signals; refusals.
#include "../vmm/fake_vcpu.hpp"
#include "vmm_device_fixture.hpp"

#include <serial/char_ring.hpp>
#include <virtio/console.hpp>
#include <virtio/mmio.hpp>
#include <vmm/device.hpp>
#include <vmm/idle_watch.hpp>
#include <vmm/mmio_bus.hpp>
#include <vmm/vgic_distributor.hpp>

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

namespace virtio {
namespace {

using test::FakeDriver;
using test::FakeRam;

constexpr uint32_t kBatchSlot = 7;
constexpr uint32_t kPutCharSlot = 8;
constexpr uint32_t kWakeSlot = 10;
constexpr uint64_t kInputBit = 1u << 5;
constexpr uint64_t kWindow = 0xa000000;

// The SerialServer's side: batch() drains the output ring, putchar() takes one byte; a
// wake-up is recorded, and drains the ring only when the server runs at once
// (drain_on_wake; otherwise it runs later, after the guest wrote more).
class FakeServer final : public vmm::BackendPort {
public:
    void call(uint32_t slot, base::RpcMessage& m) override {
        ++calls;
        if (slot == kBatchSlot) {
            const std::size_t before = text.size();
            drain();
            // A full ring ends with a whole line (when the guest's lines are short).
            if (text.size() > before && text.back() != '\n') ++cut_lines;
        } else if (slot == kPutCharSlot) {
            text += static_cast<char>(m.get<int32_t>());
        }
        m.begin(0);
    }
    void signal(uint32_t slot) override {
        if (slot != kWakeSlot) return;
        ++wakes;
        if (drain_on_wake) drain();
    }
    void drain() {
        serial::CharRing ring(output);
        char buf[512];
        while (std::size_t n = ring.read(buf))
            text.append(buf, n);
    }
    bool drain_on_wake = true;
    unsigned wakes = 0;
    unsigned cut_lines = 0; // batch() calls that found the ring ending mid-line
    alignas(8) std::array<std::byte, 4096> output{};
    alignas(8) std::array<std::byte, 4096> input{};
    std::string text;
    unsigned calls = 0;
};

struct ConDeviceFixture : test::VmmDeviceFixture {
    FakeServer server;
    FakeDriver rx{ram, {.size = 16, .event_idx = false, .indirect = false}};
    FakeDriver tx{ram, {.size = 16, .event_idx = false, .indirect = false}};
    vmm::test::FakeVcpu vcpu;

    vmm::DeviceError create(bool batch, uint32_t wake_slot = 0) {
        connections = {
            vmm::BackendConnection{batch ? "batch" : "putchar", batch ? kBatchSlot : kPutCharSlot,
                                   batch ? std::span(server.output) : std::span<std::byte>(), 0,
                                   &server, wake_slot},
            vmm::BackendConnection{"serial_getchar", 9, server.input, kInputBit, &server}};
        records[0] = {"virtio_con", {}, connections};
        return host.create(records);
    }
    uint32_t rd(uint32_t offset) {
        vmm::MmioAccess a;
        a.ipa = GuestPhysAddr(kWindow + offset);
        a.size = 4;
        a.rt = 1;
        EXPECT_EQ(bus.handle(a, 0, vcpu), vmm::ExitAction::Resume);
        return static_cast<uint32_t>(vcpu.x[1]);
    }
    void wr(uint32_t offset, uint32_t value) {
        vmm::MmioAccess a;
        a.ipa = GuestPhysAddr(kWindow + offset);
        a.size = 4;
        a.direction = vmm::AccessDirection::Write;
        a.rt = 2;
        vcpu.x[2] = value;
        EXPECT_EQ(bus.handle(a, 0, vcpu), vmm::ExitAction::Resume) << std::hex << offset;
    }
    void queue(unsigned index, const QueueConfig& c) {
        wr(mmio::kQueueSel, index);
        wr(mmio::kQueueNum, c.size);
        wr(mmio::kQueueDescLow, static_cast<uint32_t>(c.desc.raw()));
        wr(mmio::kQueueDriverLow, static_cast<uint32_t>(c.avail.raw()));
        wr(mmio::kQueueDeviceLow, static_cast<uint32_t>(c.used.raw()));
        wr(mmio::kQueueReady, 1);
    }
    // Linux's probe of a virtio-mmio console: VERSION_1 (and EVENT_IDX, as Linux takes it
    // when offered), both queues, DRIVER_OK.
    void start(bool event_idx = false) {
        EXPECT_EQ(rd(mmio::kDeviceId), kDeviceIdConsole);
        wr(mmio::kStatus, kStatusAcknowledge | kStatusDriver);
        if (event_idx) {
            EXPECT_NE(rd(mmio::kDeviceFeatures) & kFeatureEventIdx, 0u);
            wr(mmio::kDriverFeaturesSel, 0);
            wr(mmio::kDriverFeatures, static_cast<uint32_t>(kFeatureEventIdx));
        }
        wr(mmio::kDriverFeaturesSel, 1);
        wr(mmio::kDriverFeatures, 1); // bit 32: VERSION_1
        wr(mmio::kStatus, kStatusAcknowledge | kStatusDriver | kStatusFeaturesOk);
        queue(ConsoleDevice::kRxQueue, rx.config());
        queue(ConsoleDevice::kTxQueue, tx.config());
        wr(mmio::kStatus, kStatusAcknowledge | kStatusDriver | kStatusFeaturesOk | kStatusDriverOk);
        EXPECT_EQ(rd(mmio::kStatus) & kStatusNeedsReset, 0u);
    }
    std::vector<vmm::BackendConnection> connections;
    std::array<vmm::DeviceRecord, 1> records{};
};

TEST(VirtioConVmmDevice, OutputReachesTheServerWholeThroughTheBatchRing) {
    ConDeviceFixture f;
    ASSERT_EQ(f.create(true), vmm::DeviceError::Ok);
    EXPECT_EQ(f.log.lines.at(0), "vmm: virtio_con: virtio-console (hvc0) over virtio-mmio at "
                                 "0xa000000, SPI 32, output by batch, input by serial_getchar");
    f.start();
    f.tx.offer({f.tx.readable("hello\n")});
    f.wr(mmio::kQueueNotify, ConsoleDevice::kTxQueue);
    EXPECT_EQ(f.server.text, "hello\n");
    // More than the ring holds in one go: the device calls batch() whenever it is full.
    std::string flood;
    for (int i = 0; i < 3000; ++i)
        flood += "line " + std::to_string(i) + "\n";
    for (std::size_t at = 0; at < flood.size(); at += 2000) {
        f.tx.offer({f.tx.readable(flood.substr(at, 2000))});
        f.wr(mmio::kQueueNotify, ConsoleDevice::kTxQueue);
        while (f.tx.take_used()) {
        }
    }
    EXPECT_EQ(f.server.text, "hello\n" + flood);
    EXPECT_GT(f.server.calls, flood.size() / serial::CharRing::kCapacity);
}

std::string flood_text() {
    std::string flood;
    for (int i = 0; i < 3000; ++i)
        flood += "line " + std::to_string(i) + "\n";
    return flood;
}

// Linux's hvc hands virtio_console at most a few bytes per buffer and waits for each: one
// kick per buffer.
void write_in_small_buffers(ConDeviceFixture& f, std::string_view text, std::size_t piece) {
    for (std::size_t at = 0; at < text.size(); at += piece) {
        f.tx.offer({f.tx.readable(text.substr(at, piece))});
        f.wr(mmio::kQueueNotify, ConsoleDevice::kTxQueue);
        ASSERT_TRUE(f.tx.take_used().has_value()); // used before the kick's exit returns
    }
}

TEST(VirtioConVmmDevice, EachKickSignalsTheServerInsteadOfCallingIt) {
    ConDeviceFixture f;
    ASSERT_EQ(f.create(true, kWakeSlot), vmm::DeviceError::Ok);
    f.start();
    f.tx.offer({f.tx.readable("hello\n")});
    f.wr(mmio::kQueueNotify, ConsoleDevice::kTxQueue);
    EXPECT_EQ(f.server.calls, 0u);
    EXPECT_EQ(f.server.wakes, 1u);
    EXPECT_EQ(f.server.text, "hello\n");
    // The buffer is used and its interrupt raised within the kick, once for the kick.
    ASSERT_TRUE(f.tx.take_used().has_value());
    EXPECT_EQ(f.rd(mmio::kInterruptStatus), 1u); // used buffer
    f.wr(mmio::kInterruptAck, 1);
    // A kick that brings nothing wakes nobody.
    f.wr(mmio::kQueueNotify, ConsoleDevice::kTxQueue);
    EXPECT_EQ(f.server.wakes, 1u);
}

TEST(VirtioConVmmDevice, AFloodWaitsForTheServerOnlyWhenTheRingIsFull) {
    ConDeviceFixture f;
    vmm::IdleWatch watch; // as in a VM: kicks that end mid-line wait for the guest's wait
    f.host.use_idle_watch(&watch);
    ASSERT_EQ(f.create(true, kWakeSlot), vmm::DeviceError::Ok);
    f.server.drain_on_wake = false; // the server runs only when the guest stops
    f.start();
    const std::string flood = flood_text();
    write_in_small_buffers(f, flood, 16);
    // Every kick woke the server; a call (back-pressure) only each time the ring filled.
    EXPECT_EQ(f.server.wakes, (flood.size() + 15) / 16);
    EXPECT_LE(f.server.calls, flood.size() / (serial::CharRing::kCapacity - 16));
    f.server.drain(); // the server's turn: nothing lost, nothing twice, in order
    EXPECT_EQ(f.server.text, flood);
}

// Linux's hvc write: kick, then spin until the buffer is used (virtqueue_get_buf, which
// moves used_event past it). The interrupt is decided at the next kick or when the vCPU
// waits (the exit loop's IdleWatch): by then the buffer is back, so none is raised; a
// driver that waits for it instead gets it when it waits.
TEST(VirtioConVmmDevice, PolledTransmitBuffersTakeNoInterruptAndAWaitingDriverGetsOne) {
    ConDeviceFixture f;
    vmm::IdleWatch watch;
    f.host.use_idle_watch(&watch);
    ASSERT_EQ(f.create(true, kWakeSlot), vmm::DeviceError::Ok);
    f.start(true);
    std::string sent;
    for (int i = 0; i < 100; ++i) {
        const std::string line = "line " + std::to_string(i) + "\n";
        sent += line;
        f.tx.offer({f.tx.readable(line)});
        f.wr(mmio::kQueueNotify, ConsoleDevice::kTxQueue);
        EXPECT_TRUE(watch.take_request()); // the kick's exit asks to hear of the next wait
        ASSERT_TRUE(f.tx.take_used().has_value());
        f.tx.set_used_event(f.tx.used_idx());
        EXPECT_EQ(f.rd(mmio::kInterruptStatus), 0u) << i;
    }
    watch.idle();
    EXPECT_EQ(f.rd(mmio::kInterruptStatus), 0u);
    EXPECT_EQ(f.server.text, sent);
    EXPECT_EQ(f.server.wakes, 100u); // the server still hears of every kick
    // A driver that kicks and waits for the interrupt: raised once the vCPU waits.
    f.tx.offer({f.tx.readable("wait\n")});
    f.wr(mmio::kQueueNotify, ConsoleDevice::kTxQueue);
    EXPECT_TRUE(watch.take_request());
    EXPECT_EQ(f.rd(mmio::kInterruptStatus), 0u);
    watch.idle();
    EXPECT_EQ(f.rd(mmio::kInterruptStatus), 1u);
    EXPECT_TRUE(f.tx.take_used().has_value());
    f.tx.set_used_event(f.tx.used_idx()); // its interrupt handler's get_buf
    f.wr(mmio::kInterruptAck, 1);
    // Or one that kicks again without taking the last buffer back: raised at that kick.
    f.tx.offer({f.tx.readable("a")});
    f.wr(mmio::kQueueNotify, ConsoleDevice::kTxQueue);
    f.tx.offer({f.tx.readable("b")});
    f.wr(mmio::kQueueNotify, ConsoleDevice::kTxQueue);
    EXPECT_EQ(f.rd(mmio::kInterruptStatus), 1u);
    EXPECT_EQ(f.server.text, sent + "wait\nab");
}

// The server holds a line without its newline until the rest comes; what the guest leaves
// unfinished (a prompt) is written when it waits: the kick asks for an Idle exit, and the
// wait calls batch(), which writes it. Output that ends a line asks for nothing.
TEST(VirtioConVmmDevice, AnUnfinishedLineIsWrittenWhenTheGuestWaits) {
    ConDeviceFixture f;
    vmm::IdleWatch watch;
    f.host.use_idle_watch(&watch);
    ASSERT_EQ(f.create(true, kWakeSlot), vmm::DeviceError::Ok);
    f.start(); // no event indexes: the transmit interrupt asks for no Idle exit
    write_in_small_buffers(f, "out\n", 16);
    EXPECT_FALSE(watch.take_request());
    write_in_small_buffers(f, "/ # ", 16);
    EXPECT_EQ(f.server.wakes, 2u);
    EXPECT_EQ(f.server.calls, 0u);
    EXPECT_TRUE(watch.take_request());
    watch.idle();
    EXPECT_EQ(f.server.calls, 1u); // batch(): the server writes the prompt
    watch.idle();
    EXPECT_EQ(f.server.calls, 1u); // once
    // A line and its CR LF in two writes (the tty's): the second ends the line.
    write_in_small_buffers(f, "ls", 16);
    EXPECT_TRUE(watch.take_request());
    write_in_small_buffers(f, "\r\n", 16);
    watch.idle();
    EXPECT_EQ(f.server.calls, 1u);
    EXPECT_EQ(f.server.text, "out\n/ # ls\r\n");
}

TEST(VirtioConVmmDevice, WithoutAnIdleWatchAnUnfinishedLineIsWrittenAtOnce) {
    ConDeviceFixture f;
    ASSERT_EQ(f.create(true, kWakeSlot), vmm::DeviceError::Ok);
    f.start();
    write_in_small_buffers(f, "line\n", 16);
    EXPECT_EQ(f.server.calls, 0u);
    write_in_small_buffers(f, "/ # ", 16);
    EXPECT_EQ(f.server.calls, 1u);
    EXPECT_EQ(f.server.text, "line\n/ # ");
}

TEST(VirtioConVmmDevice, WithoutAnIdleWatchTheTransmitInterruptIsRaisedWithinTheKick) {
    ConDeviceFixture f;
    ASSERT_EQ(f.create(true, kWakeSlot), vmm::DeviceError::Ok);
    f.start(true);
    f.tx.offer({f.tx.readable("x\n")});
    f.wr(mmio::kQueueNotify, ConsoleDevice::kTxQueue);
    EXPECT_EQ(f.rd(mmio::kInterruptStatus), 1u);
}

// vm_multi_console_flood's writes: 2 KiB of 64-byte lines each, the server slower than the
// guest. Whenever the ring fills it ends with a whole line, so a server draining it on
// another core never takes half a line for a prompt.
TEST(VirtioConVmmDevice, AFullRingEndsWithAWholeLine) {
    ConDeviceFixture f;
    ASSERT_EQ(f.create(true, kWakeSlot), vmm::DeviceError::Ok);
    f.server.drain_on_wake = false;
    f.start();
    std::string line(63, 'x');
    line += '\n';
    std::string sent;
    for (int chain = 0; chain < 40; ++chain) {
        std::string text;
        for (int i = 0; i < 32; ++i)
            text += line;
        sent += text;
        f.tx.offer({f.tx.readable(text)});
        f.wr(mmio::kQueueNotify, ConsoleDevice::kTxQueue);
        ASSERT_TRUE(f.tx.take_used().has_value());
    }
    f.server.drain();
    EXPECT_EQ(f.server.text, sent);
    EXPECT_GT(f.server.calls, 10u);
    EXPECT_EQ(f.server.cut_lines, 0u);
}

TEST(VirtioConVmmDevice, WithoutAWakeUpCapabilityEachKickCallsBatch) {
    ConDeviceFixture f;
    ASSERT_EQ(f.create(true), vmm::DeviceError::Ok);
    f.start();
    write_in_small_buffers(f, "0123456789abcdef0123", 16);
    EXPECT_EQ(f.server.calls, 2u);
    EXPECT_EQ(f.server.wakes, 0u);
    EXPECT_EQ(f.server.text, "0123456789abcdef0123");
}

TEST(VirtioConVmmDevice, Camkes38PutCharPathCallsOncePerByte) {
    ConDeviceFixture f;
    ASSERT_EQ(f.create(false), vmm::DeviceError::Ok);
    f.start();
    f.tx.offer({f.tx.readable("ok\n")});
    f.wr(mmio::kQueueNotify, ConsoleDevice::kTxQueue);
    EXPECT_EQ(f.server.text, "ok\n");
    EXPECT_EQ(f.server.calls, 3u);
}

TEST(VirtioConVmmDevice, InputGoesToTheGuestWhenTheServerSignals) {
    ConDeviceFixture f;
    ASSERT_EQ(f.create(true), vmm::DeviceError::Ok);
    f.start();
    const auto buffer = f.rx.writable(2);
    f.rx.offer({buffer});
    f.wr(mmio::kQueueNotify, ConsoleDevice::kRxQueue);
    serial::CharRing ring(f.server.input);
    ASSERT_EQ(ring.write(std::string_view("ls\r")), 3u);
    EXPECT_EQ(f.router.dispatch(kInputBit), 0u); // the device listens to the bit
    EXPECT_EQ(f.rx.text(GuestPhysAddr(buffer.addr), 2), "ls");
    ASSERT_TRUE(f.rx.take_used().has_value());
    // The rest waits in the VMM until the guest posts another buffer.
    const auto more = f.rx.writable(8);
    f.rx.offer({more});
    f.wr(mmio::kQueueNotify, ConsoleDevice::kRxQueue);
    EXPECT_EQ(f.rx.text(GuestPhysAddr(more.addr), 1), "\r");
}

TEST(VirtioConVmmDevice, RefusedWithoutASerialServer) {
    ConDeviceFixture f;
    const std::array<vmm::DeviceRecord, 1> bare{vmm::DeviceRecord{"virtio_con", {}, {}}};
    EXPECT_EQ(f.host.create(bare), vmm::DeviceError::CreateFailed);
    EXPECT_EQ(f.log.lines.at(0),
              "vmm: virtio_con: no output connection to a SerialServer; expected batch (with a "
              "batch_shmem_size of 4096 or more) or putchar");
}

} // namespace
} // namespace virtio
