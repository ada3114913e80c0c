# pvscsi_common.cmake — the shared PVSCSI hardware layer for the drivers that carry it.
# A driver folder includes this file and compiles the sources into its own module:
#
#   include(${PROJECT_SOURCE_DIR}/drivers/common/pvscsi/pvscsi_common.cmake)
#   vmksim_add_module(mydrv API vmkapi
#                     SOURCES glue.c ... ${PVSCSI_COMMON_SOURCES}
#                     INCLUDE_DIRECTORIES ${PVSCSI_COMMON_INCLUDE_DIRS})
#
# and defines the four osdep hooks of pvscsi_osdep.h in one of its own files. The layer includes
# nothing but its own headers, so it builds under the module flags (-ffreestanding -nostdinc).
# (An include file, not a CMakeLists.txt, for the reason given in e1000_common.cmake.)
set(PVSCSI_COMMON_DIR ${CMAKE_CURRENT_LIST_DIR})
set(PVSCSI_COMMON_SOURCES
    ${PVSCSI_COMMON_DIR}/pvscsi_hw.c
    ${PVSCSI_COMMON_DIR}/pvscsi_ring.c)
set(PVSCSI_COMMON_HEADERS
    ${PVSCSI_COMMON_DIR}/pvscsi_osdep.h
    ${PVSCSI_COMMON_DIR}/pvscsi_hw_regs.h
    ${PVSCSI_COMMON_DIR}/pvscsi_hw_io.h
    ${PVSCSI_COMMON_DIR}/pvscsi_hw.h
    ${PVSCSI_COMMON_DIR}/pvscsi_ring.h)
set(PVSCSI_COMMON_INCLUDE_DIRS ${PVSCSI_COMMON_DIR})
