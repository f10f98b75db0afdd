# Fails on includes that run against the layers (docs/design.md, "Layers"): every module shares include/llmsim/, so
# target visibility alone cannot stop a header-level dependency. Run: cmake -DROOT=<source dir> -P check_layering.cmake
# Each rule: the directories of one layer (|-separated) = the include texts they must not use (,-separated).
set(rules
  "src/util|include/llmsim/util=llmsim/validation/,llmsim/des/,llmsim/llm/,llmsim/io/,llmsim/sweep/,llmsim/mpi/,<mpi.h>,<hdf5.h>"
  "src/des|include/llmsim/des=llmsim/validation/,llmsim/llm/,llmsim/io/,llmsim/sweep/,llmsim/mpi/,<mpi.h>,<hdf5.h>"
  "src/llm|include/llmsim/llm=llmsim/validation/,llmsim/io/,llmsim/sweep/,llmsim/mpi/,<mpi.h>,<hdf5.h>"
  "src/io|include/llmsim/io=llmsim/validation/,llmsim/sweep/,llmsim/mpi/,<mpi.h>"
  "src/sweep|include/llmsim/sweep=llmsim/validation/,llmsim/mpi/,<mpi.h>"
  "src/validation|include/llmsim/validation=llmsim/mpi/,<mpi.h>,<hdf5.h>"
  "src/app=<mpi.h>,<hdf5.h>")
set(violations "")
foreach(rule IN LISTS rules)
  string(FIND "${rule}" "=" eq)
  string(SUBSTRING "${rule}" 0 ${eq} dirs)
  math(EXPR after "${eq} + 1")
  string(SUBSTRING "${rule}" ${after} -1 forbidden)
  string(REPLACE "|" ";" dirs "${dirs}")
  string(REPLACE "," ";" forbidden "${forbidden}")
  foreach(dir IN LISTS dirs)
    file(GLOB_RECURSE files "${ROOT}/${dir}/*.hpp" "${ROOT}/${dir}/*.cpp")
    foreach(f IN LISTS files)
      file(STRINGS "${f}" includes REGEX "^#include")
      foreach(line IN LISTS includes)
        foreach(bad IN LISTS forbidden)
          string(FIND "${line}" "${bad}" at)
          if(NOT at EQUAL -1)
            file(RELATIVE_PATH rel "${ROOT}" "${f}")
            string(APPEND violations "  ${rel}: ${line}\n")
          endif()
        endforeach()
      endforeach()
    endforeach()
  endforeach()
endforeach()
if(violations)
  message(FATAL_ERROR "includes against the layers (app -> validation -> sweep -> io -> llm -> des -> util; MPI only in src/mpi):\n${violations}")
endif()
message(STATUS "layering: no include runs against the layers")
