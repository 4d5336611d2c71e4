# The nested cross build: the same source tree configured with the aarch64
# freestanding toolchain and BULKHEAD_TARGET=ON. Host targets that need a target
# binary depend on `bulkhead_target` and find it under BULKHEAD_TARGET_BINARY_DIR.
# It depends on no application (it is not even told CAMKES_VM_APP): every app's image is
# made from the same kernel and component binaries, and a broken app cannot stop it.
# Rules that read target binaries also depend on BULKHEAD_TARGET_STAMP, a file that
# changes only when one of them did: ninja cannot see into the nested build, and
# without it every build would re-pack every image.
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
    -DRELEASE=${RELEASE}
    -DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE}
  BUILD_ALWAYS ON
  INSTALL_COMMAND ""
  USES_TERMINAL_BUILD ON)
set(BULKHEAD_TARGET_STAMP ${BULKHEAD_TARGET_BINARY_DIR}/outputs.stamp)
ExternalProject_Add_Step(bulkhead_target outputs
  COMMAND ${CMAKE_COMMAND} -DDIR=${BULKHEAD_TARGET_BINARY_DIR} -DSTAMP=${BULKHEAD_TARGET_STAMP}
          -P ${BULKHEAD_ROOT}/cmake/TargetOutputsStamp.cmake
  DEPENDEES build
  BYPRODUCTS ${BULKHEAD_TARGET_STAMP}
  ALWAYS ON)
