# Toolchain for everything that runs on the board: Debian's aarch64 cross
# compiler used freestanding (no libc, no exceptions, no RTTI).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_ASM_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_OBJCOPY aarch64-linux-gnu-objcopy)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(_common "-ffreestanding -nostdlib -fno-pie -fno-pic -fno-asynchronous-unwind-tables -fno-unwind-tables -mstrict-align")
set(CMAKE_C_FLAGS_INIT "${_common}")
set(CMAKE_CXX_FLAGS_INIT "${_common} -fno-exceptions -fno-rtti -fno-threadsafe-statics -fno-use-cxa-atexit")
set(CMAKE_ASM_FLAGS_INIT "${_common}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-nostdlib -static -no-pie -Wl,--build-id=none")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
# Target code is optimised in debug builds too: "debug" means the log output
# (BULKHEAD_DEBUG), not -O0. An -O0 memcpy in libs/base made loading the guest images
# several times slower, and the VM library's exit path twice as long.
set(CMAKE_C_FLAGS_DEBUG_INIT "-O2 -g")
set(CMAKE_CXX_FLAGS_DEBUG_INIT "-O2 -g")
