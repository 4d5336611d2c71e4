// apps/native_components on the host: the objects its assembly lowers to (one endpoint
// with a badge per client, event bits on the receivers' notifications, one dataport region
// mapped by both ends, the priorities), and its Calc service driven through the glue the
// tool generated for its component types, as the components use it.
#include "CalcClient_glue.hpp"
#include "CalcServer_glue.hpp"
#include "calc_service.hpp"

#include <adl/loader.hpp>
#include <adl/resolver.hpp>
#include <image/board.hpp>
#include <lowering/lowering.hpp>

#include <gtest/gtest.h>

#include <cstring>
#include <string>

namespace {

namespace client = bulkhead::glue::CalcClient;
namespace server = bulkhead::glue::CalcServer;

struct Lowered {
    adl::LoadedApp app = [] {
        adl::PreprocessorOptions cpp;
        cpp.include_dirs = {std::string(BULKHEAD_ROOT) + "/interfaces"};
        return adl::load_app(
            std::string(BULKHEAD_ROOT) + "/apps/native_components/native_components.camkes", cpp);
    }();
    adl::model::System system =
        adl::resolve(app.merged, {BULKHEAD_REFERENCE_BOARD, BULKHEAD_PLATFORM_DTB});
    image::SystemBuilder builder{*image::BoardRegistry::find(BULKHEAD_REFERENCE_BOARD)};
    std::vector<lowering::InstanceObjects> objects = lowering::lower_system(system, builder, {});

    const lowering::InstanceObjects& instance(const std::string& name) const {
        for (const auto& o : objects)
            if (o.name == name) return o;
        ADD_FAILURE() << "no instance " << name;
        return objects.front();
    }
    const spec::Cap& cap(const std::string& instance_name, std::string_view cap_name) const {
        const auto& i = instance(instance_name);
        const auto slot = i.cap(cap_name);
        EXPECT_TRUE(slot.has_value()) << instance_name << " has no capability " << cap_name;
        return builder.description().domains.at(i.domain.index).caps.at(slot.value_or(0));
    }
};

TEST(NativeComponents, AssemblyLowersToOneEndpointBadgedPerClient) {
    const Lowered l;
    ASSERT_EQ(l.objects.size(), 3u);
    EXPECT_EQ(l.instance("calc").priority, 120u);
    EXPECT_EQ(l.instance("a").priority, 110u);
    EXPECT_EQ(l.instance("b").priority, 100u);

    const spec::Cap& receive = l.cap("calc", "calc");
    const spec::Cap& a = l.cap("a", "calc");
    const spec::Cap& b = l.cap("b", "calc");
    EXPECT_EQ(receive.type, static_cast<uint32_t>(spec::CapType::Endpoint));
    EXPECT_EQ(receive.rights, spec::CapReceive);
    EXPECT_EQ(a.object, receive.object);
    EXPECT_EQ(b.object, receive.object);
    EXPECT_EQ(a.badge, 1u);
    EXPECT_EQ(b.badge, 2u);
    EXPECT_EQ(a.rights, spec::CapSend);
}

TEST(NativeComponents, EventsAreBitsOfTheReceiversNotification) {
    const Lowered l;
    // b -> calc.ready; calc -> b.done; a -> b.peer_passed: each sender's capability
    // signals the receiver's bound notification with the bit its `consumes` end expects.
    const spec::Cap& ready = l.cap("b", "ready");
    const spec::Cap& done = l.cap("calc", "done");
    const spec::Cap& passed = l.cap("a", "passed");
    EXPECT_EQ(ready.object, l.cap("calc", "notification").object);
    EXPECT_EQ(done.object, l.cap("b", "notification").object);
    EXPECT_EQ(passed.object, done.object);
    EXPECT_EQ(ready.badge, l.instance("calc").interface("ready")->badge);
    EXPECT_EQ(done.badge, l.instance("b").interface("done")->badge);
    EXPECT_EQ(passed.badge, l.instance("b").interface("peer_passed")->badge);
    EXPECT_NE(done.badge, passed.badge);
    for (const uint64_t bits : {ready.badge, done.badge, passed.badge})
        EXPECT_EQ(bits & (bits - 1), 0u) << "one bit each";
    // a consumes nothing: no notification of its own.
    EXPECT_FALSE(l.instance("a").cap("notification").has_value());
}

TEST(NativeComponents, DataportIsOneRegionMappedByBothEnds) {
    const Lowered l;
    const auto& d = l.builder.description();
    std::vector<uint32_t> regions;
    for (const char* name : {"b", "calc"}) {
        const auto* shared = l.instance(name).interface("shared");
        ASSERT_NE(shared, nullptr) << name;
        ASSERT_EQ(shared->buffers.size(), 1u);
        EXPECT_EQ(shared->buffers[0].size, 4096u);
        for (const auto& m : d.mappings)
            if (m.domain == l.instance(name).domain.index && m.at.raw() == shared->buffers[0].at)
                regions.push_back(m.region);
    }
    ASSERT_EQ(regions.size(), 2u);
    EXPECT_EQ(regions[0], regions[1]);
    EXPECT_EQ(d.regions[regions[0]].name, "text.buffer");
}

// What IpcTransport and runtime::serve do, without the kernel: the request reaches the
// dispatch with the connection's badge; a refused request comes back as an empty reply.
struct Loopback {
    calc::Service& service;
    uint64_t badge;
    void call(base::RpcMessage& msg) {
        if (!server::calc_dispatch(service, badge, msg)) msg.received(0);
    }
};

TEST(NativeComponents, TotalsArePerBadgeAndErrorsAreReplies) {
    calc::Service service;
    Loopback to_a{service, 1}, to_b{service, 2};
    client::calc_client<Loopback> a(to_a), b(to_b);
    int32_t total = 0;
    EXPECT_EQ(a.add(5, total), calc::kOk);
    EXPECT_EQ(a.add(10, total), calc::kOk);
    EXPECT_EQ(total, 15);
    EXPECT_EQ(b.add(100, total), calc::kOk);
    EXPECT_EQ(total, 100); // not 115: b has its own total

    int32_t value = 15;
    EXPECT_EQ(a.scale(value, 3), calc::kOk);
    EXPECT_EQ(value, 45);
    value = 1 << 20;
    EXPECT_EQ(a.scale(value, 1 << 12), calc::kOverflow);
    EXPECT_TRUE(a.last_call_ok()); // an error is a reply
    EXPECT_EQ(value, 1 << 20);
    int32_t q = -1;
    EXPECT_EQ(a.divide(45, 7, q), calc::kOk);
    EXPECT_EQ(q, 6);
    q = -1;
    EXPECT_EQ(a.divide(5, 0, q), calc::kBadArgument);
    EXPECT_TRUE(a.last_call_ok());
    EXPECT_EQ(q, 0); // out values travel back whatever the result
    EXPECT_EQ(a.divide(INT32_MIN, -1, q), calc::kOverflow);

    // An unknown badge gets an error, not another caller's total.
    Loopback stranger{service, 99};
    client::calc_client<Loopback> c(stranger);
    total = -1;
    EXPECT_EQ(c.add(1, total), calc::kBadArgument);
    EXPECT_EQ(total, 0);
    EXPECT_EQ(a.add(1, total), calc::kOk);
    EXPECT_EQ(total, 16);
}

// A transport whose server refuses everything (the reply runtime::serve sends to a
// request it cannot decode): the stub says so and leaves out/inout values alone.
struct Refusing {
    void call(base::RpcMessage& msg) { msg.received(0); }
};

TEST(NativeComponents, RefusedReplyLeavesOutValuesAndSaysSo) {
    Refusing t;
    client::calc_client<Refusing> c(t);
    int32_t total = 7, value = 3, q = 9;
    EXPECT_EQ(c.add(1, total), 0);
    EXPECT_FALSE(c.last_call_ok());
    EXPECT_EQ(total, 7);
    c.scale(value, 2);
    EXPECT_EQ(value, 3);
    c.divide(1, 1, q);
    EXPECT_EQ(q, 9);
    EXPECT_FALSE(c.last_call_ok());
}

TEST(NativeComponents, RewriteUpperCasesInPlaceAndAppendsWithinTheBuffer) {
    char port[64] = "hello from b";
    EXPECT_EQ(calc::rewrite(std::as_writable_bytes(std::span(port))), 12u);
    EXPECT_STREQ(port, "HELLO FROM B (rewritten by the server)");
    char small[8] = {'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'}; // no NUL: stops at the end
    EXPECT_EQ(calc::rewrite(std::as_writable_bytes(std::span(small))), 7u);
    EXPECT_STREQ(small, "ABCDEFG");
}

} // namespace
