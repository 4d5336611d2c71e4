// Guest RAM layout: upstream's qemu-arm-virt numbers, map_unity_ram, and bad layouts.
#include <vmm/guest_ram_layout.hpp>

#include <gtest/gtest.h>

namespace vmm {
namespace {

// camkes-arm-vm's qemu-arm-virt devices.camkes values.
LinuxAddressConfig qemu_virt() {
    LinuxAddressConfig c;
    c.linux_ram_base = 0x40000000;
    c.linux_ram_paddr_base = 0x40000000;
    c.linux_ram_size = 0x20000000;
    c.linux_ram_offset = 0;
    c.dtb_addr = 0x4f000000;
    c.initrd_max_size = 0x1900000;
    c.initrd_addr = 0x4d700000;
    return c;
}

TEST(GuestRamLayout, UpstreamQemuVirtLayoutIsUnity) {
    GuestRamLayout l;
    ASSERT_EQ(guest_ram_layout(qemu_virt(), true, l), LayoutError::Ok);
    EXPECT_EQ(l.ram.base.raw(), 0x40000000u);
    EXPECT_EQ(l.ram_paddr.raw(), 0x40000000u);
    EXPECT_EQ(l.dtb.size, kMaxDtbSize);
    EXPECT_EQ(l.initrd.end().raw(), 0x4f000000u); // initrd ends where the DTB starts
}

TEST(GuestRamLayout, UnityNeedsEqualAddressesOtherwiseAnyBackingWorks) {
    LinuxAddressConfig c = qemu_virt();
    c.linux_ram_paddr_base = 0x60000000;
    GuestRamLayout l;
    EXPECT_EQ(guest_ram_layout(c, true, l), LayoutError::UnityMismatch);
    ASSERT_EQ(guest_ram_layout(c, false, l), LayoutError::Ok);
    EXPECT_EQ(l.ram_paddr.raw(), 0x60000000u);
    EXPECT_EQ(l.ram.base.raw(), 0x40000000u);
}

TEST(GuestRamLayout, RejectsBadLayouts) {
    GuestRamLayout l;
    LinuxAddressConfig c = qemu_virt();
    c.linux_ram_size = 0;
    EXPECT_EQ(guest_ram_layout(c, true, l), LayoutError::EmptyRam);
    c = qemu_virt();
    c.linux_ram_base = c.linux_ram_paddr_base = 0x40000800;
    EXPECT_EQ(guest_ram_layout(c, true, l), LayoutError::RamBaseMisaligned);
    c = qemu_virt();
    c.dtb_addr = 0x4f000004;
    EXPECT_EQ(guest_ram_layout(c, true, l), LayoutError::DtbMisaligned);
    c = qemu_virt();
    c.initrd_addr = 0x4d700100;
    EXPECT_EQ(guest_ram_layout(c, true, l), LayoutError::InitrdMisaligned);
    c = qemu_virt();
    c.dtb_addr = 0x60000000;
    EXPECT_EQ(guest_ram_layout(c, true, l), LayoutError::DtbOutsideRam);
    c = qemu_virt();
    c.initrd_max_size = 0x3000000;
    EXPECT_EQ(guest_ram_layout(c, true, l), LayoutError::DtbInitrdOverlap);
    c = qemu_virt();
    c.initrd_addr = 0x5f000000;
    EXPECT_EQ(guest_ram_layout(c, true, l), LayoutError::InitrdTooLarge);
    c = qemu_virt();
    c.initrd_addr = ~uint64_t{0} - 0xfff;
    EXPECT_EQ(guest_ram_layout(c, true, l), LayoutError::InitrdOutsideRam);
    c = qemu_virt();
    c.linux_ram_size = ~uint64_t{0} - 0xfff;
    EXPECT_EQ(guest_ram_layout(c, true, l), LayoutError::RamWraps);
    c = qemu_virt();
    c.dtb_addr = 0x40100000;
    EXPECT_EQ(guest_ram_layout(c, true, l), LayoutError::DtbInKernelWindow);
    c = qemu_virt();
    c.initrd_addr = 0x40000000;
    EXPECT_EQ(guest_ram_layout(c, true, l), LayoutError::InitrdInKernelWindow);
    c = qemu_virt();
    c.initrd_addr = 0x4f100000; // inside the DTB's 2 MiB
    EXPECT_EQ(guest_ram_layout(c, true, l), LayoutError::DtbInitrdOverlap);
    c = qemu_virt();
    c.dtb_addr = 0x5fff0000; // near the end: the DTB gets what RAM has left
    ASSERT_EQ(guest_ram_layout(c, true, l), LayoutError::Ok);
    EXPECT_EQ(l.dtb.size, 0x10000u);
}

TEST(GuestRamLayout, UnboundedInitrdRunsUpToTheDtbOrTheEndOfRam) {
    GuestRamLayout l;
    LinuxAddressConfig c = qemu_virt();
    c.initrd_max_size = 0;
    ASSERT_EQ(guest_ram_layout(c, true, l), LayoutError::Ok);
    EXPECT_EQ(l.initrd.end().raw(), 0x4f000000u);
    c.dtb_addr = 0x48000000; // below the initrd: it may use the rest of RAM
    ASSERT_EQ(guest_ram_layout(c, true, l), LayoutError::Ok);
    EXPECT_EQ(l.initrd.end().raw(), 0x60000000u);
}

TEST(GuestRamLayout, WithoutAnInitrdItsAddressIsNotChecked) {
    LinuxAddressConfig c = qemu_virt();
    c.initrd_addr = 0x30000000; // below RAM, as upstream's tx2 writes it
    GuestRamLayout l;
    EXPECT_EQ(guest_ram_layout(c, true, l), LayoutError::InitrdOutsideRam);
    ASSERT_EQ(guest_ram_layout(c, true, l, false), LayoutError::Ok);
    EXPECT_EQ(l.initrd.size, 0u);
    EXPECT_EQ(l.dtb.base.raw(), 0x4f000000u);
}

TEST(GuestRamLayout, EveryErrorNamesItsFieldAndValue) {
    LinuxAddressConfig c = qemu_virt();
    c.dtb_addr = 0x60000000;
    GuestRamLayout l;
    const LayoutError e = guest_ram_layout(c, true, l);
    EXPECT_STREQ(field_of(e), "dtb_addr");
    EXPECT_EQ(value_of(c, e), 0x60000000u);
    EXPECT_STREQ(field_of(LayoutError::InitrdTooLarge), "initrd_max_size");
    EXPECT_STREQ(field_of(LayoutError::UnityMismatch), "linux_ram_paddr_base");
}

} // namespace
} // namespace vmm
