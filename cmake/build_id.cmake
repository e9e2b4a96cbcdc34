# Writes a header defining QTAICHI_BUILD_ID: a hash of the compiler's sources. It is part of
# the disk kernel cache key, so object code made by an older compiler is never reused.
# Inputs: SOURCE_LIST (a file listing the sources, one per line), OUT (the header to write).
file(STRINGS "${SOURCE_LIST}" sources)
set(all "")
foreach(f IN LISTS sources)
  file(SHA256 "${f}" h)
  string(APPEND all "${f}:${h}\n")
endforeach()
string(SHA256 id "${all}")
string(SUBSTRING "${id}" 0 32 id)
set(text "#pragma once\n#define QTAICHI_BUILD_ID \"${id}\"\n")
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
endif()
if(NOT "${old}" STREQUAL "${text}")
  file(WRITE "${OUT}" "${text}")
endif()
