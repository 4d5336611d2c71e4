# The nested cross build: the same source tree configured with the aarch64
# freestanding toolchain and BULKHEAD_TARGET=ON. Host targets that need a target
# binary depend on `bulkhead_target` and find it under BULKHEAD_TARGET_BINARY_DIR.
include(ExternalProject)
set(BULKHEAD_TARGET_BINARY_DIR ${CMAKE_BINARY_DIR}/target)
ExternalProject_Add(bulkhead_target
  SOURCE_DIR ${BULKHEAD_ROOT}
  BINARY_DIR ${BULKHEAD_TARGET_BINARY_DIR}
  CMAKE_GENERATOR Ninja
  CMAKE_ARGS
    -DCMAKE_TOOLCHAIN_FILE=${BULKHEAD_ROOT}/cmake/aarch64-freestanding.cmake
    -DBULKHEAD_TARGET=ON
    -DPLATFORM=${PLATFORM}
    -DCAMKES_VM_APP=${CAMKES_VM_APP}
    -DRELEASE=${RELEASE}
    -DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE}
  BUILD_ALWAYS ON
  INSTALL_COMMAND ""
  USES_TERMINAL_BUILD ON)
