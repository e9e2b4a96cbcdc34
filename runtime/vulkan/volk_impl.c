/* volk's loader (Debian's libvulkan-volk-dev ships it as source): Vulkan is opened at run time,
   so nothing links libvulkan and a machine without a Vulkan driver still runs. */
#include <volk.c>
