# bulkhead_unit_test(NAME <name> SOURCES <files>... [LIBS <libs>...])
# A GoogleTest executable for the host; each TEST() becomes its own CTest test.
find_package(GTest REQUIRED)
include(GoogleTest)
function(bulkhead_unit_test)
  cmake_parse_arguments(U "" "NAME" "SOURCES;LIBS" ${ARGN})
  add_executable(${U_NAME} ${U_SOURCES})
  target_link_libraries(${U_NAME} PRIVATE ${U_LIBS} GTest::gtest_main GTest::gmock)
  # A unit test takes well under a second: one that hangs fails in a minute, not CTest's 25.
  gtest_discover_tests(${U_NAME} DISCOVERY_MODE PRE_TEST PROPERTIES LABELS unit TIMEOUT 60)
endfunction()

# bulkhead_fuzzer(NAME <name> SOURCES <library sources>... INCLUDES <dirs>... [DEPENDS <headers>...])
# A libFuzzer target from fuzz/<name>.cpp of the calling folder, built with clang (the host
# build's compiler is g++) under AddressSanitizer and UBSan, and its smoke run in CTest
# (label fuzz): 5 s from the committed seeds in fuzz/corpus/<name>. Nothing without clang.
find_program(BULKHEAD_CLANGXX NAMES clang++-14 clang++)
function(bulkhead_fuzzer)
  cmake_parse_arguments(F "" "NAME" "SOURCES;INCLUDES;DEPENDS" ${ARGN})
  if(NOT BULKHEAD_CLANGXX)
    return()
  endif()
  set(_exe ${CMAKE_CURRENT_BINARY_DIR}/${F_NAME})
  set(_main ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/${F_NAME}.cpp)
  list(TRANSFORM F_INCLUDES PREPEND -I)
  add_custom_command(
    OUTPUT ${_exe}
    COMMAND ${BULKHEAD_CLANGXX} -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined
            -fno-sanitize-recover=undefined -Wall -Wextra ${F_INCLUDES} ${_main} ${F_SOURCES} -o ${_exe}
    DEPENDS ${_main} ${F_SOURCES} ${F_DEPENDS}
    COMMENT "libFuzzer target ${F_NAME} (clang, ASan, UBSan)"
    VERBATIM)
  add_custom_target(${F_NAME}_build ALL DEPENDS ${_exe})
  set(_work ${CMAKE_CURRENT_BINARY_DIR}/${F_NAME}-corpus)
  add_test(NAME ${F_NAME}_smoke
           COMMAND sh -c "mkdir -p '${_work}' && exec '${_exe}' -max_total_time=5 -timeout=5 -seed=1 -print_final_stats=1 '${_work}' '${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/${F_NAME}'")
  set_tests_properties(${F_NAME}_smoke PROPERTIES LABELS fuzz TIMEOUT 60)
endfunction()
