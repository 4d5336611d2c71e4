/*
 * Assembly helpers for VM systems, with the names and expansions camkes-arm-vm
 * apps use, so an upstream app's assembly builds unchanged. Everything here is
 * plain cpp: the macros expand to components, connections and settings.
 */
#pragma once

/* Turns the expansion of a macro argument into a string: VAR_STRINGIZE(VM_RAM_BASE). */
#define _VAR_STRINGIZE(...) #__VA_ARGS__
#define VAR_STRINGIZE(...) _VAR_STRINGIZE(__VA_ARGS__)

/* __CALL(f, a, b, ...) expands to f(a) f(b) ... for up to eight arguments. */
#define __CALL1(f, a) f(a)
#define __CALL2(f, a, b) f(a) __CALL1(f, b)
#define __CALL3(f, a, ...) f(a) __CALL2(f, __VA_ARGS__)
#define __CALL4(f, a, ...) f(a) __CALL3(f, __VA_ARGS__)
#define __CALL5(f, a, ...) f(a) __CALL4(f, __VA_ARGS__)
#define __CALL6(f, a, ...) f(a) __CALL5(f, __VA_ARGS__)
#define __CALL7(f, a, ...) f(a) __CALL6(f, __VA_ARGS__)
#define __CALL8(f, a, ...) f(a) __CALL7(f, __VA_ARGS__)
#define __CALL_NARGS_X(a, b, c, d, e, f, g, h, n, ...) n
#define __CALL_NARGS_FROM(...) __CALL_NARGS_X(__VA_ARGS__, 8, 7, 6, 5, 4, 3, 2, 1, )
#define __CALL_CONCAT_X(a, b) a##b
#define __CALL_CONCAT(a, b) __CALL_CONCAT_X(a, b)
#define __CALL_DISP_FROM(f, base, ...)                                                             \
    __CALL_CONCAT(base, __CALL_NARGS_FROM(__VA_ARGS__))(f, __VA_ARGS__)
#define __CALL(f, ...) __CALL_DISP_FROM(f, __CALL, __VA_ARGS__)

/* Odroid-XU (exynos5410): the clock controller, GPIO and PWM that upstream's odroid_vm
   connects to its VM (its CMake adds -DKERNELARMPLATFORM_EXYNOS5410). Accepted so that
   assembly resolves; Bulkhead's VMM does not use them (it has no exynos5410 board). */
#if KERNELARMPLATFORM_EXYNOS5410
#define VM_EXYNOS5410_DEF()                                                                        \
    uses pwm_inf pwm;                                                                              \
    dataport Buf cmu_cpu;                                                                          \
    dataport Buf cmu_top;                                                                          \
    dataport Buf gpio_right;                                                                       \
    dataport Buf cmu_core;
#else
#define VM_EXYNOS5410_DEF()
#endif

/* The VM component's interfaces and attributes (components/VM/VM.camkes uses it). */
#define VM_INIT_DEF()                                                                              \
    control;                                                                                       \
    VM_EXYNOS5410_DEF()                                                                            \
    uses FileServerInterface fs;                                                                   \
    maybe consumes restart restart_event;                                                          \
    has semaphore vm_sem;                                                                          \
    maybe uses Batch batch;                                                                        \
    maybe uses PutChar putchar; /* 3.8: to serial.processed_putchar */                             \
    maybe uses PutChar guest_putchar;                                                              \
    maybe uses GetChar serial_getchar;                                                             \
    maybe uses VirtQueueDev recv;                                                                  \
    maybe uses VirtQueueDrv send;                                                                  \
    consumes HaveNotification notification_ready;                                                  \
    emits HaveNotification notification_ready_connector;                                           \
    maybe uses VMDTBPassthrough dtb_self;                                                          \
    provides VMDTBPassthrough dtb;                                                                 \
    attribute int base_prio;                                                                       \
    attribute int num_vcpus = 1;                                                                   \
    attribute int num_extra_frame_caps = 0;                                                        \
    attribute int extra_frame_map_address = 0;                                                     \
    attribute int irqs[] = [];                                                                     \
    attribute int dtb_irqs[] = []; /* current dialect: more IRQs for the guest */                  \
    /* The current dialect's names of linux_address_config / linux_image_config: set one */        \
    attribute {                                                                                    \
        string ram_base;                                                                           \
        string ram_paddr_base;                                                                     \
        string ram_size;                                                                           \
        string dtb_addr;                                                                           \
        string initrd_addr;                                                                        \
        string kernel_entry_addr = "-1";                                                           \
    }                                                                                              \
    vm_address_config;                                                                             \
    attribute {                                                                                    \
        string kernel_name = "linux";                                                              \
        string dtb_name = "linux-dtb";                                                             \
        string initrd_name = "linux-initrd";                                                       \
        string kernel_bootcmdline = "";                                                            \
        string kernel_stdout = "";                                                                 \
        string dtb_base_name = "";                                                                 \
        int provide_dtb = true;                                                                    \
        int generate_dtb = false;                                                                  \
        int provide_initrd = true;                                                                 \
        int clean_cache = false;                                                                   \
        int map_one_to_one = false;                                                                \
    }                                                                                              \
    vm_image_config;                                                                               \
    attribute {                                                                                    \
        string linux_ram_base;                                                                     \
        string linux_ram_paddr_base;                                                               \
        string linux_ram_size;                                                                     \
        string linux_ram_offset = "0";                                                             \
        string dtb_addr;                                                                           \
        string initrd_max_size = "-1";                                                             \
        string initrd_addr;                                                                        \
    }                                                                                              \
    linux_address_config;                                                                          \
    attribute {                                                                                    \
        string linux_name = "linux";                                                               \
        string dtb_name = "linux-dtb";                                                             \
        string initrd_name = "linux-initrd";                                                       \
        string linux_bootcmdline = "";                                                             \
        string linux_stdout = "";                                                                  \
        string dtb_base_name = "";                                                                 \
    }                                                                                              \
    linux_image_config;                                                                            \
    attribute {                                                                                    \
        int send_id;                                                                               \
        int recv_id;                                                                               \
    }                                                                                              \
    serial_layout[] = [];                                                                          \
    /* Bulkhead: a guest access to an address nothing backs is logged and answered with a data     \
       abort (0, the default) or halts the VM (1). */                                              \
    attribute int halt_on_unhandled_access = 0;                                                    \
    /* Bulkhead, for tests: log the size and CRC of each image read back from guest RAM. */        \
    attribute int log_image_crcs = 0;                                                              \
    /* Bulkhead: the VMM modules (emulated devices) this VM starts, by upstream's module names,    \
       e.g. ["virtio_net"]. Upstream links modules in with CMake options (VmVirtioNetArping,       \
       ...), which would start them in every VM of the build; here each VM names its own. */       \
    attribute string vmm_modules[] = [];

/* One VM instance, vm<num>, and the connections every VM needs. */
#define VM_COMPONENT_DEF(num) component VM vm##num;

#define VM_COMPONENT_CONNECTIONS_DEF(num)                                                          \
    connection seL4RPCDataport fs##num(from vm##num.fs, to fserv.fs_ctrl);                         \
    connection seL4GlobalAsynch notify_ready_vm##num(from vm##num.notification_ready_connector,    \
                                                     to vm##num.notification_ready);

/* Components shared by all VMs: the FileServer holding the guest images. */
#define VM_GENERAL_COMPOSITION_DEF() component FileServer fserv;

#define VM_COMPOSITION_DEF(num)                                                                    \
    VM_COMPONENT_DEF(num)                                                                          \
    VM_COMPONENT_CONNECTIONS_DEF(num)

#define VM_GENERAL_CONFIGURATION_DEF() fserv.heap_size = 0x30000;

/* Per-VM settings; the allocator-only ones are accepted and reported as no-ops. */
#define VM_CONFIGURATION_DEF(num)                                                                  \
    vm##num.fs_shmem_size = 0x100000;                                                              \
    vm##num.global_endpoint_base = 1 << 27;                                                        \
    vm##num.asid_pool = true;                                                                      \
    vm##num.simple = true;                                                                         \
    vm##num.base_prio = 100;                                                                       \
    vm##num._priority = 101;                                                                       \
    vm##num.sem_value = 0;                                                                         \
    vm##num.heap_size = 0x300000;

/* A SerialServer multiplexing the UART between VMs, with its TimeServer. */
#define VM_VIRTUAL_SERIAL_COMPONENTS_DEF()                                                         \
    component SerialServer serial;                                                                 \
    component TimeServer time_server;                                                              \
    connection seL4TimeServer serialserver_timer(from serial.timeout, to time_server.the_timer);

#define PER_VM_VIRTUAL_SERIAL_CONNECTIONS_DEF(num)                                                 \
    connection seL4SerialServer serial_vm##num(from vm##num.batch, to serial.processed_batch);     \
    connection seL4SerialServer serial_input_vm##num(from vm##num.serial_getchar,                  \
                                                     to serial.getchar);

#define VM_VIRTUAL_SERIAL_COMPOSITION_DEF(...)                                                     \
    VM_VIRTUAL_SERIAL_COMPONENTS_DEF()                                                             \
    __CALL(PER_VM_VIRTUAL_SERIAL_CONNECTIONS_DEF, __VA_ARGS__)

#define VM_VIRTUAL_SERIAL_GENERAL_CONFIGURATION_DEF()                                              \
    time_server.timers_per_client = 1;                                                             \
    time_server.priority = 255;                                                                    \
    time_server.simple = true;

#define PER_VM_VIRTUAL_SERIAL_CONFIGURATION_DEF(num)                                               \
    vm##num.serial_getchar_shmem_size = 0x1000;                                                    \
    vm##num.batch_shmem_size = 0x1000;

#define VM_VIRTUAL_SERIAL_CONFIGURATION_DEF(...)                                                   \
    VM_VIRTUAL_SERIAL_GENERAL_CONFIGURATION_DEF()                                                  \
    __CALL(PER_VM_VIRTUAL_SERIAL_CONFIGURATION_DEF, __VA_ARGS__)
