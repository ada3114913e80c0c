# e1000_common.cmake — the shared 82540EM hardware layer for the drivers that carry it.
# A driver folder includes this file and compiles the sources into its own module:
#
#   include(${PROJECT_SOURCE_DIR}/drivers/common/e1000/e1000_common.cmake)
#   vmksim_add_module(e1000_native API vmkapi
#                     SOURCES main.c ... ${E1000_COMMON_SOURCES}
#                     INCLUDE_DIRECTORIES ${E1000_COMMON_INCLUDE_DIRS})
#
# and defines the four osdep hooks of e1000_osdep.h in one of its own files. The layer includes
# nothing but its own headers, so it builds under the module flags (-ffreestanding -nostdinc).
# (An include file rather than a CMakeLists.txt: a variable set with PARENT_SCOPE from
# add_subdirectory(drivers/common) would reach drivers/, never the sibling driver folders.)
set(E1000_COMMON_DIR ${CMAKE_CURRENT_LIST_DIR})
set(E1000_COMMON_SOURCES
    ${E1000_COMMON_DIR}/e1000_hw.c
    ${E1000_COMMON_DIR}/e1000_mac.c
    ${E1000_COMMON_DIR}/e1000_ring.c)
set(E1000_COMMON_HEADERS
    ${E1000_COMMON_DIR}/e1000_osdep.h
    ${E1000_COMMON_DIR}/e1000_regs.h
    ${E1000_COMMON_DIR}/e1000_hw.h
    ${E1000_COMMON_DIR}/e1000_ring.h)
set(E1000_COMMON_INCLUDE_DIRS ${E1000_COMMON_DIR})
