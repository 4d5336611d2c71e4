// device_fwd on the host: the forwarding decoder (a trapped access checked against the
// forwarded range), the request and reply as DeviceFwd's glue carries them, and the
// "device_fwd" VMM device created through the VM library's DeviceHost from a configuration's
// forwarded devices, driven through the MMIO bus with a fake server behind a fake backend
// port: accesses arrive in order, read values come back, and refusals (the decoder's, the
// server's, a broken reply) inject an abort, are logged rate-limited and leave the rest
// working.
#include "device_bench.hpp"
#include "fake_vcpu.hpp"

#include <device_fwd/forwarding.hpp>
#include <vmm/device.hpp>
#include <vmm/guest_memory.hpp>
#include <vmm/mmio_bus.hpp>
#include <vmm/vgic_distributor.hpp>

#include <gtest/gtest.h>

#include <array>
#include <map>
#include <string>
#include <vector>

namespace {

using base::GuestPhysAddr;
using device_fwd::Fault;
using device_fwd::Op;
using namespace vmm;

constexpr uint32_t kServerSlot = 5;
constexpr uint64_t kBase = 0x30000000;

TEST(DeviceFwdDecoder, TakesNaturallyAlignedAccessesInsideTheRange) {
    for (unsigned size : {1u, 2u, 4u, 8u}) {
        const auto d = device_fwd::decode(Op::Read, 0x1000 - size, size, 0, 0x1000);
        EXPECT_EQ(d.fault, Fault::None) << size;
        EXPECT_EQ(d.request.offset, 0x1000 - size);
        EXPECT_EQ(d.request.size, size);
    }
    // A write carries only the bytes the access stores.
    const auto w = device_fwd::decode(Op::Write, 0x10, 2, 0xdeadbeefcafef00d, 0x1000);
    EXPECT_EQ(w.fault, Fault::None);
    EXPECT_EQ(w.request.value, 0xf00du);
    EXPECT_EQ(device_fwd::decode(Op::Write, 0x10, 8, 0xdeadbeefcafef00d, 0x1000).request.value,
              0xdeadbeefcafef00du);
}

TEST(DeviceFwdDecoder, RefusesBadSizesMisalignmentAndAccessesOutsideTheRange) {
    EXPECT_EQ(device_fwd::decode(Op::Read, 0, 3, 0, 0x1000).fault, Fault::BadSize);
    EXPECT_EQ(device_fwd::decode(Op::Read, 0, 16, 0, 0x1000).fault, Fault::BadSize);
    EXPECT_EQ(device_fwd::decode(Op::Read, 0, 0, 0, 0x1000).fault, Fault::BadSize);
    EXPECT_EQ(device_fwd::decode(Op::Write, 2, 4, 0, 0x1000).fault, Fault::Misaligned);
    EXPECT_EQ(device_fwd::decode(Op::Write, 0x1000, 4, 0, 0x1000).fault, Fault::OutsidePage);
    EXPECT_EQ(device_fwd::decode(Op::Read, ~uint64_t{7}, 8, 0, 0x1000).fault, Fault::OutsidePage);
    EXPECT_EQ(device_fwd::decode(Op::Read, 0, 8, 0, 4).fault, Fault::OutsidePage);
}

TEST(DeviceFwdDecoder, RequestsAreTheGluesMessagesAndRepliesAreChecked) {
    base::RpcMessage m;
    const device_fwd::Request write{Op::Write, 0x8, 4, 0x12345678};
    device_fwd::encode(write, m);
    EXPECT_EQ(m.method(), device_fwd::kWriteMethod);
    ASSERT_EQ(m.length(), 4u); // method, offset, size, value (Calc-style glue order)
    EXPECT_EQ(m.words()[1], 0x8u);
    EXPECT_EQ(m.words()[2], 4u);
    EXPECT_EQ(m.words()[3], 0x12345678u);

    const device_fwd::Request read{Op::Read, 0x4, 2, 0};
    device_fwd::encode(read, m);
    EXPECT_EQ(m.method(), device_fwd::kReadMethod);
    EXPECT_EQ(m.length(), 3u);
    // The server's reply: status, then the value.
    const auto reply = [](uint32_t method, std::vector<uint64_t> words) {
        base::RpcMessage r;
        r.begin(method);
        for (uint64_t w : words)
            r.put(w);
        return r;
    };
    auto ok = reply(device_fwd::kReadMethod, {0, 0xbeef});
    EXPECT_EQ(device_fwd::parse_reply(read, ok, true).fault, Fault::None);
    ok = reply(device_fwd::kReadMethod, {0, 0xbeef});
    EXPECT_EQ(device_fwd::parse_reply(read, ok, true).value, 0xbeefu);
    auto refused = reply(device_fwd::kReadMethod, {static_cast<uint64_t>(int64_t{-6}), 0});
    const auto r = device_fwd::parse_reply(read, refused, true);
    EXPECT_EQ(r.fault, Fault::Refused);
    EXPECT_EQ(r.status, -6);
    auto too_wide = reply(device_fwd::kReadMethod, {0, 0x10000});
    EXPECT_EQ(device_fwd::parse_reply(read, too_wide, true).fault, Fault::BadReply);
    auto short_reply = reply(device_fwd::kReadMethod, {0});
    EXPECT_EQ(device_fwd::parse_reply(read, short_reply, true).fault, Fault::BadReply);
    auto other_method = reply(device_fwd::kWriteMethod, {0, 1});
    EXPECT_EQ(device_fwd::parse_reply(read, other_method, true).fault, Fault::BadReply);
    auto failed = reply(device_fwd::kReadMethod, {0, 1});
    EXPECT_EQ(device_fwd::parse_reply(read, failed, false).fault, Fault::BadReply);
    auto written = reply(device_fwd::kWriteMethod, {0});
    EXPECT_EQ(device_fwd::parse_reply(write, written, true).fault, Fault::None);
}

// The server end: a register file of 32-bit registers below 0x40 that records each call,
// as FwdRegisters serves it (through the same dispatch the glue generates: method, args).
class FakeServer final : public BackendPort {
public:
    void call(uint32_t slot, base::RpcMessage& m) override {
        calls.push_back(describe(slot, m));
        if (broken) {
            m.begin(m.method());
            m.put(uint64_t{0});
            m.put(~uint64_t{0}); // wider than any 4-byte register
            return;
        }
        const uint32_t method = m.method();
        const auto offset = m.get<uint64_t>();
        const auto size = m.get<int32_t>();
        const uint64_t value = method == device_fwd::kWriteMethod ? m.get<uint64_t>() : 0;
        const int32_t status = size != 4 ? -22 : offset >= 0x40 ? -6 : 0;
        m.begin(method);
        m.put(status);
        if (method == device_fwd::kReadMethod) m.put(status == 0 ? regs[offset] : 0);
        if (method == device_fwd::kWriteMethod && status == 0) regs[offset] = value;
    }
    void signal(uint32_t) override {}

    static std::string describe(uint32_t slot, base::RpcMessage m) {
        std::string s =
            std::to_string(slot) + (m.method() == device_fwd::kReadMethod ? " read " : " write ");
        const auto offset = m.get<uint64_t>();
        const auto size = m.get<int32_t>();
        s += std::to_string(offset) + "/" + std::to_string(size);
        if (m.method() == device_fwd::kWriteMethod) s += "=" + std::to_string(m.get<uint64_t>());
        return s;
    }

    std::vector<std::string> calls;
    std::map<uint64_t, uint64_t> regs;
    bool broken = false;
};

struct Fixture : test::DeviceBench {
    DeviceError create() {
        record = {"device_fwd", {}, connections, {}, {}, forwards};
        return devices.create({&record, 1});
    }
    ExitAction guest(uint64_t ipa, AccessDirection dir, uint64_t value = 0, unsigned size = 4) {
        MmioAccess a;
        a.ipa = GuestPhysAddr(ipa);
        a.size = static_cast<uint8_t>(size);
        a.rt = 1;
        a.dest_64bit = true;
        a.direction = dir;
        vcpu.x[1] = value;
        return bus.handle(a, 0, vcpu);
    }

    DeviceHost devices{memory, bus, vgic, 64, notifications, log};
    FakeServer server;
    std::array<BackendConnection, 1> connections{
        BackendConnection{"regs", kServerSlot, {}, 0, &server}};
    std::vector<ForwardedDevice> forwards{{"regs", {GuestPhysAddr(kBase), 0x1000}}};
    DeviceRecord record;
    test::FakeVcpu vcpu;
};

TEST(DeviceFwd, GuestAccessesReachTheServerInOrderAndReadsReturnItsValues) {
    Fixture f;
    ASSERT_EQ(f.create(), DeviceError::Ok);
    EXPECT_TRUE(f.log.has("device_fwd: regs: guest 0x30000000..0x30001000 forwarded to its "
                          "server (4096 bytes)"));
    EXPECT_EQ(f.guest(kBase + 8, AccessDirection::Write, 0x12345678), ExitAction::Resume);
    EXPECT_EQ(f.guest(kBase + 0xc, AccessDirection::Write, 0xcafef00d), ExitAction::Resume);
    EXPECT_EQ(f.guest(kBase + 8, AccessDirection::Read), ExitAction::Resume);
    EXPECT_EQ(f.vcpu.x[1], 0x12345678u);
    EXPECT_EQ(f.guest(kBase + 0xc, AccessDirection::Read), ExitAction::Resume);
    EXPECT_EQ(f.vcpu.x[1], 0xcafef00du);
    const std::vector<std::string> want{"5 write 8/4=305419896", "5 write 12/4=3405705229",
                                        "5 read 8/4", "5 read 12/4"};
    EXPECT_EQ(f.server.calls, want);
}

TEST(DeviceFwd, RefusedAccessesInjectAnAbortAreLoggedRateLimitedAndChangeNothingElse) {
    Fixture f;
    ASSERT_EQ(f.create(), DeviceError::Ok);
    EXPECT_EQ(f.guest(kBase + 8, AccessDirection::Write, 7), ExitAction::Resume);
    // The server refuses an offset it has no register at, and a size it does not take.
    EXPECT_EQ(f.guest(kBase + 0x100, AccessDirection::Read), ExitAction::InjectAbort);
    EXPECT_TRUE(f.log.has("device_fwd: regs: guest read of 4 bytes at offset 0x100 refused "
                          "by the server (-6): abort injected"));
    EXPECT_EQ(f.guest(kBase + 8, AccessDirection::Write, 1, 1), ExitAction::InjectAbort);
    EXPECT_TRUE(f.log.has("device_fwd: regs: guest write of 1 bytes at offset 0x8 (value "
                          "0x1) refused by the server (-22): abort injected"));
    const std::size_t calls = f.server.calls.size();
    // What the decoder refuses never reaches the server.
    EXPECT_EQ(f.guest(kBase + 6, AccessDirection::Read, 0, 4), ExitAction::InjectAbort);
    EXPECT_TRUE(f.log.has("device_fwd: regs: guest read of 4 bytes at offset 0x6 not "
                          "naturally aligned: abort injected"));
    EXPECT_EQ(f.server.calls.size(), calls);
    // A storm: five lines in full, then counts at powers of two.
    const std::size_t before = f.log.lines.size();
    for (int i = 0; i < 2045; ++i) // 2048 refusals in all
        EXPECT_EQ(f.guest(kBase + 0x200, AccessDirection::Read), ExitAction::InjectAbort);
    EXPECT_LT(f.log.lines.size() - before, 40u);
    EXPECT_TRUE(f.log.has("vmm: 1024 more refused forwarded accesses suppressed (2048 in "
                          "all)"));
    // The register file kept its value and still answers.
    EXPECT_EQ(f.guest(kBase + 8, AccessDirection::Read), ExitAction::Resume);
    EXPECT_EQ(f.vcpu.x[1], 7u);
}

TEST(DeviceFwd, AServerThatAnswersTooWideAValueIsRefusedNotBelieved) {
    Fixture f;
    ASSERT_EQ(f.create(), DeviceError::Ok);
    f.server.broken = true;
    EXPECT_EQ(f.guest(kBase, AccessDirection::Read, 0x55), ExitAction::InjectAbort);
    EXPECT_EQ(f.vcpu.x[1], 0x55u) << "a refused read leaves the register as it was";
    EXPECT_TRUE(f.log.has("device_fwd: regs: guest read of 4 bytes at offset 0x0 no valid "
                          "reply from the server: abort injected"));
}

TEST(DeviceFwd, AForwardedDeviceWithoutItsServerIsNotCreated) {
    Fixture f;
    f.connections[0].cap_slot = 0;
    EXPECT_NE(f.create(), DeviceError::Ok);
    EXPECT_TRUE(f.log.has("device_fwd: regs: not connected to a server"));
}

} // namespace
