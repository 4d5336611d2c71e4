# An app's build settings, apps/<app>/settings.cmake (upstream's file of CMake options, e.g.
# `set(VmVirtioConsole ON CACHE BOOL "" FORCE)`), evaluated on their own for the bulkhead
# tool's --settings: every variable the file sets, <name>=<value> a line. A process of its
# own, so one app's settings (cache entries, a FATAL_ERROR for a board it does not support)
# touch neither the build nor another app; tests/tool/upstream_dropin.py runs it on
# upstream's file the same way.
# Usage: cmake -DSETTINGS=<settings.cmake> -DPLATFORM=<board> -DOUT=<file> -P AppSettings.cmake
cmake_minimum_required(VERSION 3.20)
get_cmake_property(_before VARIABLES)
include(${SETTINGS})
get_cmake_property(_after VARIABLES)
set(_text "")
foreach(_name IN LISTS _after)
  if(_name IN_LIST _before OR _name STREQUAL "_before" OR _name MATCHES "^CMAKE_")
    continue()
  endif()
  string(REPLACE "\n" " " _value "${${_name}}")
  string(APPEND _text "${_name}=${_value}\n")
endforeach()
file(WRITE ${OUT} "${_text}")
