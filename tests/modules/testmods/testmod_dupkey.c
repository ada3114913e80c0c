/* testmod_dupkey.c — writes a second version= entry into .modinfo by hand (the helper already
 * generates one): the loader must refuse the duplicate key 'version'. */
#include "vmkapi/vmkapi.h"

VMK_MODINFO_ENTRY(testmod_dupkey_version, "version=9.9");

VMK_ReturnStatus init_module(void)
{
    return VMK_OK;
}
