/* testmod.h — shared by the two source files of the good test module. */
#ifndef TESTMOD_H
#define TESTMOD_H

#include "vmkapi/vmkapi.h"

VMK_ReturnStatus testmod_hello(vmk_ModuleID id);

#endif
