# `cmake --install` and `cpack -G DEB` (README "Install"):
#   bin/chansim                         the program
#   lib/libchan_*.a, include/chansim/   the libraries and their headers, with the CMake package
#   lib/cmake/chansim/                  find_package(chansim) -> chansim::engine, chansim::io, ...
#   share/chansim/{scenarios,notebooks} the shipped scenarios and analyses
#   the Python module where /usr/bin/python3 looks (python/CMakeLists.txt)
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(CHAN_INSTALL_INCLUDEDIR ${CMAKE_INSTALL_INCLUDEDIR}/chansim)
set(CHAN_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/chansim)

# the libraries a C++ user links, exported as chansim::<name> (chan_core -> chansim::core);
# chan_warnings travels along because static libraries export their private link options
set(CHAN_EXPORTED_LIBRARIES core models mechanisms engine io validation sweep optimize report calibrate)
foreach(name IN LISTS CHAN_EXPORTED_LIBRARIES)
  set_target_properties(chan_${name} PROPERTIES EXPORT_NAME ${name})
endforeach()
set_target_properties(chan_warnings PROPERTIES EXPORT_NAME warnings)
list(TRANSFORM CHAN_EXPORTED_LIBRARIES PREPEND chan_ OUTPUT_VARIABLE chan_library_targets)

install(TARGETS chansim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS ${chan_library_targets} chan_warnings EXPORT chansimTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CHAN_INSTALL_INCLUDEDIR})
# headers keep their repository paths (#include "sim/engine/engine.hpp"); the command-line
# program's own headers are not an interface
install(DIRECTORY sim models mechanisms DESTINATION ${CHAN_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.hpp" PATTERN "cli" EXCLUDE)
install(DIRECTORY ${PROJECT_BINARY_DIR}/generated/chan DESTINATION ${CHAN_INSTALL_INCLUDEDIR})

install(EXPORT chansimTargets NAMESPACE chansim:: DESTINATION ${CHAN_INSTALL_CMAKEDIR})
configure_package_config_file(cmake/chansimConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/generated/chansimConfig.cmake
                              INSTALL_DESTINATION ${CHAN_INSTALL_CMAKEDIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/generated/chansimConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/generated/chansimConfig.cmake
              ${PROJECT_BINARY_DIR}/generated/chansimConfigVersion.cmake
        DESTINATION ${CHAN_INSTALL_CMAKEDIR})

install(DIRECTORY scenarios notebooks DESTINATION ${CMAKE_INSTALL_DATADIR}/chansim
        PATTERN ".ipynb_checkpoints" EXCLUDE)

# cpack -G DEB: a Debian package whose dependencies are the runtime libraries chansim links
set(CPACK_PACKAGE_NAME chansim)
set(CPACK_PACKAGE_VENDOR "chansim developers")
set(CPACK_PACKAGE_CONTACT "chansim developers <chansim@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # dpkg-shlibdeps: libtbb12, libyaml-cpp0.7, libopenmpi3, ...
set(CPACK_DEBIAN_PACKAGE_SECTION science)
# the Python module runs in Debian's python3 and returns numpy arrays and pandas tables
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "python3 (>= 3.11), python3-numpy, python3-pandas")
include(CPack)
