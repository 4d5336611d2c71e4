# Run after each nested target build: rewrites STAMP only when a binary under DIR
# (*.elf, *.img) changed, so host rules that pack images from them (and depend on the
# stamp) re-run only then. Usage: cmake -DDIR=<target build> -DSTAMP=<file> -P this
file(GLOB_RECURSE _outputs ${DIR}/*.elf ${DIR}/*.img)
list(FILTER _outputs EXCLUDE REGEX "/CMakeFiles/")
list(SORT _outputs)
set(_signature "")
foreach(f IN LISTS _outputs)
  file(SHA1 ${f} _hash)
  string(APPEND _signature "${_hash} ${f}\n")
endforeach()
set(_old "")
if(EXISTS ${STAMP})
  file(READ ${STAMP} _old)
endif()
if(NOT _old STREQUAL _signature)
  file(WRITE ${STAMP} "${_signature}")
endif()
