// virtio_hostile <mmio|pci> <device> <case>...: a hostile virtio-net driver in the guest's
// user space. As root it takes the device from Linux's driver (sysfs unbind), maps its
// registers, and for each case resets the device, negotiates, sets up the transmit queue in
// locked pages and breaks one rule of the virtio spec; then it reads the device status and
// says whether the device set NEEDS_RESET. At the end it resets the device and gives it
// back to Linux's driver. The cases (README of libs/virtio, "What a hostile ring meets"):
// `valid-frame` (the control: one well-formed frame, consumed without NEEDS_RESET),
// `desc-outside-ram`, `chain-loop`, `indirect-loop`, `zero-length`, `length-overflow`,
// `readable-after-writable`, `nested-indirect`, `buffer-on-ring`, `avail-jump`,
// `head-out-of-range`, `ring-outside-ram` (all on the transmit queue), `rx-outside-ram` (a
// receive buffer outside RAM, then an ARP request whose answer the device tries to put
// there), `notify-storm` (kicks of the queue and of one that does not exist: logged
// rate-limited, no NEEDS_RESET).
// Exit status 0 when every case went as expected.
#include "../crossvm/linux_syscall.hpp"
#include "../crossvm/program.hpp"
#include "dma_pages.hpp"
#include "transport.hpp"

#include <virtio/device.hpp>
#include <virtio/virtqueue.hpp>

namespace {

using hostile::DmaPage;
using hostile::Transport;

constexpr const char* kProgram = "virtio_hostile";
constexpr uint16_t kRxQueue = 0; // virtio-net: queue 0 receives, queue 1 transmits
constexpr uint16_t kTxQueue = 1;
constexpr uint16_t kSize = 16;
// Inside the ring page: descriptor table, avail ring, used ring.
constexpr uint64_t kDescAt = 0x000, kAvailAt = 0x200, kUsedAt = 0x400;
// Far outside any guest's RAM.
constexpr uint64_t kNowhere = 0x7f0000000000;
constexpr unsigned kStormKicks = 20000;
constexpr uint16_t kNoSuchQueue = 7;

struct Rig {
    Transport& transport;
    DmaPage rings;    // descriptor table, avail and used rings
    DmaPage buffer;   // the frame
    DmaPage indirect; // an indirect descriptor table
    DmaPage rx;       // the receive queue's descriptor table, avail and used rings
};

void barrier() {
    asm volatile("dmb sy" : : : "memory");
}

void clear(DmaPage& page) {
    for (std::size_t i = 0; i < hostile::kPageBytes; ++i)
        page.data[i] = 0;
}

virtio::RawDesc* descs(uint8_t* at) {
    return reinterpret_cast<virtio::RawDesc*>(at);
}
volatile uint16_t* avail(DmaPage& rings) {
    return reinterpret_cast<volatile uint16_t*>(rings.data + kAvailAt);
}
volatile uint16_t* avail(Rig& rig) {
    return avail(rig.rings);
}
volatile uint16_t* used(Rig& rig) {
    return reinterpret_cast<volatile uint16_t*>(rig.rings.data + kUsedAt);
}

// Reset, negotiation (VERSION_1 and INDIRECT_DESC), the receive queue (nothing offered),
// the transmit queue at `rings` (or wherever a case puts it) and DRIVER_OK.
bool start(Rig& rig, uint64_t desc, uint64_t driver, uint64_t device) {
    Transport& t = rig.transport;
    t.set_status(0);
    for (int i = 0; i < 100 && t.status() != 0; ++i)
        guest::sleep_ms(1);
    clear(rig.rings);
    clear(rig.indirect);
    clear(rig.rx);
    t.set_status(virtio::kStatusAcknowledge);
    t.set_status(virtio::kStatusAcknowledge | virtio::kStatusDriver);
    constexpr uint64_t kWanted = virtio::kFeatureVersion1 | virtio::kFeatureIndirectDesc;
    if ((t.device_features() & kWanted) != kWanted) {
        guest::print(1, "virtio_hostile: the device does not offer VERSION_1 and INDIRECT_DESC\n");
        return false;
    }
    t.set_driver_features(kWanted);
    constexpr auto kFeaturesOk = static_cast<uint8_t>(
        virtio::kStatusAcknowledge | virtio::kStatusDriver | virtio::kStatusFeaturesOk);
    t.set_status(kFeaturesOk);
    if ((t.status() & virtio::kStatusFeaturesOk) == 0) {
        guest::print(1, "virtio_hostile: FEATURES_OK refused\n");
        return false;
    }
    t.enable_queue(kRxQueue, kSize, rig.rx.phys + kDescAt, rig.rx.phys + kAvailAt,
                   rig.rx.phys + kUsedAt);
    t.enable_queue(kTxQueue, kSize, desc, driver, device);
    t.set_status(static_cast<uint8_t>(kFeaturesOk | virtio::kStatusDriverOk));
    return true;
}

bool start(Rig& rig) {
    return start(rig, rig.rings.phys + kDescAt, rig.rings.phys + kAvailAt,
                 rig.rings.phys + kUsedAt);
}

// Publishes `count` chains (heads already in the avail ring) and kicks.
void offer(Rig& rig, uint16_t idx) {
    barrier();
    avail(rig)[1] = idx;
    barrier();
    rig.transport.notify(kTxQueue);
}

// One chain whose head is descriptor 0.
void offer_head(Rig& rig, uint16_t head = 0) {
    avail(rig)[2] = head;
    offer(rig, 1);
}

void one_buffer(Rig& rig, uint64_t addr, uint32_t len) {
    descs(rig.rings.data)[0] = {addr, len, 0, 0};
    offer_head(rig);
}

constexpr std::size_t kNetHeader = 12; // virtio_net_hdr (v1), all zero: no offloads
constexpr std::size_t kFrame = 60;     // a minimal Ethernet frame

// A broadcast frame of `ethertype` from 02:00:00:00:00:01 after the header, its payload
// left to the caller; returns the frame.
uint8_t* broadcast_frame(Rig& rig, uint16_t ethertype) {
    uint8_t* frame = rig.buffer.data + kNetHeader;
    for (std::size_t i = 0; i < kNetHeader + kFrame; ++i)
        rig.buffer.data[i] = 0;
    const uint8_t source[6] = {2, 0, 0, 0, 0, 1};
    for (std::size_t i = 0; i < 6; ++i) {
        frame[i] = 0xff;
        frame[6 + i] = source[i];
    }
    frame[12] = static_cast<uint8_t>(ethertype >> 8);
    frame[13] = static_cast<uint8_t>(ethertype);
    return frame;
}

// The control: a frame of a local experimental EtherType (no backend answers it).
void valid_frame(Rig& rig) {
    (void)broadcast_frame(rig, 0x88b5);
    one_buffer(rig, rig.buffer.phys, kNetHeader + kFrame);
}

// A receive buffer outside RAM, then an ARP request for 192.168.1.2 from 192.168.1.1 (both
// backends answer it): the device meets the bad buffer when it delivers the answer.
void rx_outside_ram(Rig& rig) {
    descs(rig.rx.data)[0] = {kNowhere, 1526, virtio::kDescWrite, 0};
    barrier();
    avail(rig.rx)[1] = 1;
    barrier();
    rig.transport.notify(kRxQueue);
    uint8_t* arp = broadcast_frame(rig, 0x0806) + 14;
    const uint8_t request[28] = {0,   1,   8, 0, 6, 4, 0, 1, 2, 0, 0,   0,   0, 1,
                                 192, 168, 1, 1, 0, 0, 0, 0, 0, 0, 192, 168, 1, 2};
    for (std::size_t i = 0; i < sizeof request; ++i)
        arp[i] = request[i];
    one_buffer(rig, rig.buffer.phys, kNetHeader + kFrame);
}

void desc_outside_ram(Rig& rig) {
    one_buffer(rig, kNowhere, 64);
}

void zero_length(Rig& rig) {
    one_buffer(rig, rig.buffer.phys, 0);
}

void length_overflow(Rig& rig) {
    one_buffer(rig, ~uint64_t{0} - 0xfff, 0x2000);
}

// Two descriptors naming each other as next.
void loop_in(uint8_t* table, uint64_t buffer) {
    descs(table)[0] = {buffer, 16, virtio::kDescNext, 1};
    descs(table)[1] = {buffer + 16, 16, virtio::kDescNext, 0};
}

void chain_loop(Rig& rig) {
    loop_in(rig.rings.data, rig.buffer.phys);
    offer_head(rig);
}

void indirect_loop(Rig& rig) {
    loop_in(rig.indirect.data, rig.buffer.phys);
    descs(rig.rings.data)[0] = {rig.indirect.phys, 4 * 16, virtio::kDescIndirect, 0};
    offer_head(rig);
}

void readable_after_writable(Rig& rig) {
    descs(rig.rings.data)[0] = {rig.buffer.phys, 16, virtio::kDescWrite | virtio::kDescNext, 1};
    descs(rig.rings.data)[1] = {rig.buffer.phys + 16, 16, 0, 0};
    offer_head(rig);
}

void nested_indirect(Rig& rig) {
    descs(rig.indirect.data)[0] = {rig.indirect.phys + 0x800, 16, virtio::kDescIndirect, 0};
    descs(rig.rings.data)[0] = {rig.indirect.phys, 16, virtio::kDescIndirect, 0};
    offer_head(rig);
}

void buffer_on_ring(Rig& rig) {
    one_buffer(rig, rig.rings.phys + kDescAt, 64);
}

void avail_jump(Rig& rig) {
    offer(rig, 0x1000);
}

void head_out_of_range(Rig& rig) {
    offer_head(rig, 200);
}

void notify_storm(Rig& rig) {
    for (unsigned i = 0; i < kStormKicks; ++i)
        rig.transport.notify(kTxQueue);
    for (unsigned i = 0; i < kStormKicks / 10; ++i)
        rig.transport.notify(kNoSuchQueue);
}

enum class Expect : uint8_t { Consumed, NeedsReset, Running };

struct Case {
    const char* name;
    void (*play)(Rig&); // after start(); nullptr: the queue is put outside RAM
    Expect expect;
};

constexpr Case kCases[] = {
    {"valid-frame", valid_frame, Expect::Consumed},
    {"desc-outside-ram", desc_outside_ram, Expect::NeedsReset},
    {"chain-loop", chain_loop, Expect::NeedsReset},
    {"indirect-loop", indirect_loop, Expect::NeedsReset},
    {"zero-length", zero_length, Expect::NeedsReset},
    {"length-overflow", length_overflow, Expect::NeedsReset},
    {"readable-after-writable", readable_after_writable, Expect::NeedsReset},
    {"nested-indirect", nested_indirect, Expect::NeedsReset},
    {"buffer-on-ring", buffer_on_ring, Expect::NeedsReset},
    {"avail-jump", avail_jump, Expect::NeedsReset},
    {"head-out-of-range", head_out_of_range, Expect::NeedsReset},
    {"ring-outside-ram", nullptr, Expect::NeedsReset},
    {"rx-outside-ram", rx_outside_ram, Expect::NeedsReset},
    {"notify-storm", notify_storm, Expect::Running},
};

bool same(const char* a, const char* b) {
    while (*a != 0 && *a == *b) {
        ++a;
        ++b;
    }
    return *a == *b;
}

const Case* find(const char* name) {
    for (const Case& c : kCases)
        if (same(c.name, name)) return &c;
    return nullptr;
}

// Plays one case and prints "virtio_hostile: <case>: status 0x.., NEEDS_RESET" (or "no
// NEEDS_RESET", with the used idx). True when it went as expected.
bool run(Rig& rig, const Case& c) {
    const bool started = c.play != nullptr ? start(rig) : start(rig, kNowhere, kNowhere, kNowhere);
    if (!started) return false;
    if (c.play != nullptr) c.play(rig);
    // The VMM handles a kick in the exit it causes; the wait covers what comes back later
    // (a backend's answer) and a device that would not.
    uint8_t status = rig.transport.status();
    for (int i = 0; i < 250 && (status & virtio::kStatusNeedsReset) == 0 &&
                    (c.expect != Expect::Consumed || used(rig)[1] == 0);
         ++i) {
        guest::sleep_ms(2);
        status = rig.transport.status();
    }
    const bool needs_reset = (status & virtio::kStatusNeedsReset) != 0;
    const uint16_t used_idx = used(rig)[1];
    guest::print(1, "virtio_hostile: ");
    guest::print(1, c.name);
    guest::print(1, ": status ");
    guest::print_number(status, 16);
    guest::print(1, needs_reset ? ", NEEDS_RESET" : ", no NEEDS_RESET");
    guest::print(1, ", used idx ");
    guest::print_number(used_idx, 16);
    guest::print(1, "\n");
    switch (c.expect) {
    case Expect::Consumed:
        return !needs_reset && used_idx == 1;
    case Expect::NeedsReset:
        return needs_reset;
    case Expect::Running:
        return !needs_reset;
    }
    return false;
}

// Takes the device from Linux's driver (/sys/bus/<bus>/devices/<device>/driver/unbind).
void unbind(const char* bus, const char* device) {
    char path[160];
    const char* const parts[] = {"/sys/bus/", bus, "/devices/", device, "/driver/unbind"};
    hostile::join(path, sizeof path, parts, 5);
    // No driver (a second run): nothing to take.
    if (hostile::write_file(path, device)) {
        guest::print(1, "virtio_hostile: ");
        guest::print(1, device);
        guest::print(1, " taken from Linux's driver\n");
    }
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 4) guest::fail(kProgram, "usage: virtio_hostile mmio|pci <device> <case>...");
    for (int i = 3; i < argc; ++i)
        if (find(argv[i]) == nullptr) guest::fail(kProgram, argv[i]);
    const char* device = argv[2];
    const char* bus = argv[1][0] == 'p' ? "pci" : "platform";
    unbind(bus, device);
    Transport& transport = hostile::open_transport(argv[1], device);
    DmaPage pages[hostile::kDmaPages];
    hostile::map_dma_pages(pages);
    Rig rig{transport, pages[0], pages[1], pages[2], pages[3]};
    int expected = 0;
    for (int i = 3; i < argc; ++i)
        expected += run(rig, *find(argv[i])) ? 1 : 0;
    // Reset, and back to Linux.
    transport.set_status(0);
    transport.release();
    char path[160];
    const char* const parts[] = {"/sys/bus/", transport.bus(), "/drivers/",
                                 transport.linux_driver(), "/bind"};
    hostile::join(path, sizeof path, parts, 5);
    const bool back = hostile::write_file(path, device);
    guest::print(1, "virtio_hostile: ");
    guest::print_number(static_cast<uint64_t>(expected));
    guest::print(1, " of ");
    guest::print_number(static_cast<uint64_t>(argc - 3));
    guest::print(1, back ? " cases as expected, device reset and given back to Linux's driver\n"
                         : " cases as expected, device reset; Linux's driver did not take it\n");
    return expected == argc - 3 && back ? 0 : 1;
}
