// vm_minimal: one Linux VM and the FileServer that holds its images, described through
// the image API with the values of vm_minimal.camkes and qemu-arm-virt/devices.camkes.
// Stands in for the ADL tool until that generates the system from the assembly: each
// value below is one attribute there.
// Arguments: <kernel.elf> <out.elf> <VM.elf> <FileServer.elf> <linux> <platform.dtb> <initrd>
//            [log-image-crcs] [halt-on-unhandled]   (test variants: the VM logs each loaded
//            image's CRC; an access nothing backs halts the VM instead of aborting the guest)
#include <file_server_system.hpp>
#include <vm_system.hpp>

#include <iostream>
#include <string>

int main(int argc, char** argv) {
    if (argc < 8) {
        std::cerr << "usage: " << argv[0]
                  << " <kernel.elf> <out.elf> <VM.elf> <FileServer.elf> <linux> <dtb> <initrd>\n";
        return 2;
    }
    try {
        const image::Board* board = image::BoardRegistry::find("qemu-arm-virt");
        if (board == nullptr) throw std::runtime_error("board qemu-arm-virt not registered");
        image::SystemBuilder sys(*board);

        // The FileServer's archive: the VM's linux_image_config names.
        file_server_host::FileServerSystem fs(
            sys, argv[4],
            {{"linux", file_server_host::read_file(argv[5])},
             {"linux-dtb", file_server_host::read_file(argv[6])},
             {"linux-initrd", file_server_host::read_file(argv[7])}});

        // qemu-arm-virt/devices.camkes
        vm_host::VmDescription vm;
        vm.name = "vm0";
        vm.linux_ram_base = 0x40000000;
        vm.linux_ram_paddr_base = 0x40000000;
        vm.linux_ram_size = 0x20000000;
        vm.linux_ram_offset = 0;
        vm.dtb_addr = 0x4F000000;
        vm.initrd_max_size = 0x1900000;
        vm.initrd_addr = 0x4D700000;
        vm.bootcmdline = "console=ttyAMA0";
        vm.stdout_path = "/pl011@9000000";
        vm.passthrough = {{"/pl011@9000000", {base::PhysAddr{0x9000000}, 0x1000}}};
        vm.irqs = {33};
        vm.gicd = 0x8000000;
        vm.gicc = 0x8010000;
        for (int i = 8; i < argc; ++i) {
            const std::string option = argv[i];
            if (option == "log-image-crcs") {
                vm.log_image_crcs = true;
            } else if (option == "halt-on-unhandled") {
                vm.halt_on_unhandled_access = true;
            } else {
                throw std::runtime_error("unknown option " + option);
            }
        }
        vm_host::add_vm(sys, fs, argv[3], vm);

        fs.finish();
        sys.pack(argv[1], argv[2]);
    } catch (const std::exception& e) {
        std::cerr << argv[0] << ": " << e.what() << "\n";
        return 1;
    }
    return 0;
}
