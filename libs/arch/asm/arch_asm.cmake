# Turns the "->NAME value" markers of arch_asm.cpp's assembly (IN) into arch_asm.h (OUT).
file(STRINGS ${IN} _lines REGEX "->")
set(_out "/* Generated from libs/arch/asm/arch_asm.cpp. Do not edit. */\n#pragma once\n")
foreach(_line IN LISTS _lines)
  if(_line MATCHES "->([A-Za-z_0-9]+) #?(-?[0-9]+)")
    string(APPEND _out "#define ${CMAKE_MATCH_1} ${CMAKE_MATCH_2}\n")
  endif()
endforeach()
file(WRITE ${OUT} "${_out}")
