// The kernel's /chosen property reader against blobs libfdt writes, and against the
// damage a boot loader's (or a stray x0's) blob can carry.
#include <base/fdt_chosen.hpp>

#include <gtest/gtest.h>
#include <libfdt.h>

#include <cstring>
#include <string>
#include <vector>

namespace {

using base::fdt::find_chosen_property;

// A root with /memory, /chosen (bootargs, rng-seed) and /soc/chosen (a decoy at depth 2).
std::vector<std::byte> blob(bool with_seed = true) {
    std::vector<std::byte> b(4096);
    void* fdt = b.data();
    EXPECT_EQ(fdt_create_empty_tree(fdt, static_cast<int>(b.size())), 0);
    const int memory = fdt_add_subnode(fdt, 0, "memory@40000000");
    EXPECT_EQ(fdt_setprop_string(fdt, memory, "rng-seed", "not this one"), 0);
    const int soc = fdt_add_subnode(fdt, 0, "soc");
    const int decoy = fdt_add_subnode(fdt, soc, "chosen");
    EXPECT_EQ(fdt_setprop_string(fdt, decoy, "rng-seed", "nor this"), 0);
    const int chosen = fdt_add_subnode(fdt, 0, "chosen");
    EXPECT_EQ(fdt_setprop_string(fdt, chosen, "bootargs", "console=ttyAMA0"), 0);
    if (with_seed) {
        uint8_t seed[32];
        for (int i = 0; i < 32; ++i)
            seed[i] = static_cast<uint8_t>(0xa0 + i);
        EXPECT_EQ(fdt_setprop(fdt, chosen, "rng-seed", seed, sizeof seed), 0);
    }
    EXPECT_EQ(fdt_pack(fdt), 0);
    b.resize(fdt_totalsize(fdt));
    return b;
}

TEST(FdtChosen, FindsTheRootsChosenPropertyWhereLibfdtDoes) {
    const auto b = blob();
    const auto p = find_chosen_property(b, "rng-seed");
    ASSERT_TRUE(p.found);
    int len = 0;
    const void* value =
        fdt_getprop(b.data(), fdt_path_offset(b.data(), "/chosen"), "rng-seed", &len);
    ASSERT_NE(value, nullptr);
    EXPECT_EQ(p.size, static_cast<std::size_t>(len));
    EXPECT_EQ(b.data() + p.offset, static_cast<const std::byte*>(value));
    EXPECT_EQ(base::fdt::total_size(b), b.size());
}

TEST(FdtChosen, AbsentPropertyAndNameThatIsOnlyAPrefixAreNotFound) {
    EXPECT_FALSE(find_chosen_property(blob(false), "rng-seed").found);
    EXPECT_FALSE(find_chosen_property(blob(), "rng").found);
    EXPECT_FALSE(find_chosen_property(blob(), "rng-seed-x").found);
    EXPECT_TRUE(find_chosen_property(blob(), "bootargs").found);
}

TEST(FdtChosen, MalformedBlobsReadAsWithoutTheProperty) {
    const auto good = blob();
    auto corrupt = [&](std::size_t at, uint32_t value) {
        auto b = good;
        const uint32_t be = __builtin_bswap32(value);
        std::memcpy(b.data() + at, &be, 4);
        return find_chosen_property(b, "rng-seed").found;
    };
    EXPECT_FALSE(corrupt(0, 0xfeedd00d));  // magic
    EXPECT_FALSE(corrupt(4, 0x7fffffff));  // total size beyond the span
    EXPECT_FALSE(corrupt(8, 0x7ffffff0));  // structure block beyond the blob
    EXPECT_FALSE(corrupt(12, 0x7ffffff0)); // strings beyond the blob
    EXPECT_FALSE(corrupt(20, 16));         // version 16 has no block sizes
    EXPECT_FALSE(corrupt(36, 0x7ffffff0)); // structure size beyond the blob
    // Every prefix of the blob: found only when the whole is there.
    for (std::size_t n = 0; n < good.size(); ++n) {
        const std::span<const std::byte> cut(good.data(), n);
        EXPECT_FALSE(find_chosen_property(cut, "rng-seed").found) << n;
    }
    // A property length running past the structure block.
    auto b = good;
    const auto p = find_chosen_property(b, "rng-seed");
    ASSERT_TRUE(p.found);
    const uint32_t huge = __builtin_bswap32(0x7fffffff);
    std::memcpy(b.data() + p.offset - 8, &huge, 4);
    EXPECT_FALSE(find_chosen_property(b, "rng-seed").found);
}

} // namespace
