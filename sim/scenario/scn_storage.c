/* scn_storage.c — the scenario verbs of storage HBAs (docs/scenarios.md, "Storage workloads"):
 * driver{} on a "pvscsi" endpoint binds its driver and finds the SCSI adapter it registered. */
#include "sim/scenario/scn_net.h"

int scn_storage_driver(lua_State *L, const char *dev, result_style style, const char *modname)
{
    (void)style;
    (void)modname;
    scn_error(L, "driver: device = '%s': no storage driver is built yet", dev);
}
