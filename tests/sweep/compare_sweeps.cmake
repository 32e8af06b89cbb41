# Runs one sweep two ways and requires byte-identical runs.csv and aggregate.csv (cmake -P):
#   MODE=threads  --threads 2 against --threads 1
#   MODE=shards   --threads 2 against --shard 0/2 and 1/2 (merge refused until both are done)
#   MODE=mpi      --threads 2 against mpirun -np 2 (one thread per rank)
# Variables: CHANSIM, SWEEP, WORK (scratch directory), MPIEXEC (for MODE=mpi).
file(REMOVE_RECURSE ${WORK})

function(chansim_ok)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "exit ${rc}: ${ARGN}\n${out}\n${err}")
  endif()
  set(out "${out}" PARENT_SCOPE)
endfunction()

set(other ${WORK}/${MODE})
chansim_ok(${CHANSIM} sweep ${SWEEP} --out ${WORK}/reference --threads 2 --quiet)
if(MODE STREQUAL "threads")
  chansim_ok(${CHANSIM} sweep ${SWEEP} --out ${other} --threads 1 --quiet)
elseif(MODE STREQUAL "shards")
  chansim_ok(${CHANSIM} sweep ${SWEEP} --out ${other} --shard 1/2 --threads 1 --quiet)
  execute_process(COMMAND ${CHANSIM} merge ${other} RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
  if(rc EQUAL 0)
    message(FATAL_ERROR "merge succeeded with shard 0/2 missing")
  endif()
  chansim_ok(${CHANSIM} sweep ${SWEEP} --out ${other} --shard 0/2 --threads 1 --quiet)
  chansim_ok(${CHANSIM} merge ${other})
elseif(MODE STREQUAL "mpi")
  chansim_ok(${MPIEXEC} -np 2 --oversubscribe ${CHANSIM} sweep ${SWEEP} --out ${other} --threads 1)
  if(NOT out MATCHES "x 2 ranks")  # two independent processes would also agree: require real ranks
    message(FATAL_ERROR "the sweep did not run as 2 MPI ranks:\n${out}")
  endif()
else()
  message(FATAL_ERROR "unknown MODE '${MODE}'")
endif()

foreach(table runs.csv aggregate.csv)
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${WORK}/reference/${table} ${other}/${table}
                  RESULT_VARIABLE differ)
  if(differ)
    message(FATAL_ERROR "${table} differs between --threads 2 and the ${MODE} sweep")
  endif()
endforeach()
message(STATUS "${MODE}: runs.csv and aggregate.csv byte-identical to the --threads 2 sweep")
