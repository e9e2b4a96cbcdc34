#include "runtime/vulkan/vulkan_context.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace qtaichi::rt {

void check_vk(VkResult r, const char *what) {
  if (r != VK_SUCCESS)
    throw std::runtime_error(std::string("vulkan: ") + what + " failed (VkResult " +
                             std::to_string(static_cast<int>(r)) + ")");
}

std::atomic<int64_t> validation_messages{0};

namespace {

VKAPI_ATTR VkBool32 VKAPI_CALL report(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                      VkDebugUtilsMessageTypeFlagsEXT,
                                      const VkDebugUtilsMessengerCallbackDataEXT *data, void *) {
  if (severity >= VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT) {
    validation_messages++;
    std::fprintf(stderr, "[qtaichi] vulkan validation: %s\n", data->pMessage);
  }
  return VK_FALSE;
}

int type_rank(VkPhysicalDeviceType t) {  // discrete > integrated > virtual > CPU
  switch (t) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return 0;
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return 1;
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return 2;
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return 3;
    default: return 4;
  }
}

}  // namespace


namespace {

VulkanContext *create_context() {
  auto *c = new VulkanContext();  // lives for the process, like the driver it holds
  auto fail = [&](const std::string &why) {
    c->error = why;
    return c;
  };
  if (volkInitialize() != VK_SUCCESS)
    return fail("the Vulkan loader (libvulkan.so.1) is not installed");
  if (volkGetInstanceVersion() < VK_API_VERSION_1_2)
    return fail("the Vulkan loader is older than Vulkan 1.2");
  const char *validate = std::getenv("QTAICHI_VULKAN_VALIDATION");
  bool validation = validate && std::strcmp(validate, "1") == 0;
  std::vector<const char *> layers, extensions;
  if (validation) {
    layers.push_back("VK_LAYER_KHRONOS_validation");
    extensions.push_back(VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
  }
  VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
  app.pApplicationName = "qtaichi";
  app.apiVersion = VK_API_VERSION_1_2;
  VkInstanceCreateInfo ici{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
  ici.pApplicationInfo = &app;
  ici.enabledLayerCount = static_cast<uint32_t>(layers.size());
  ici.ppEnabledLayerNames = layers.data();
  ici.enabledExtensionCount = static_cast<uint32_t>(extensions.size());
  ici.ppEnabledExtensionNames = extensions.data();
  if (vkCreateInstance(&ici, nullptr, &c->instance) != VK_SUCCESS)
    return fail(validation ? "cannot create a Vulkan instance with the validation layer "
                             "(install vulkan-validationlayers)"
                           : "cannot create a Vulkan instance");
  volkLoadInstance(c->instance);
  if (validation) {
    VkDebugUtilsMessengerCreateInfoEXT mci{VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT};
    mci.messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT |
                          VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
    mci.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                      VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT;
    mci.pfnUserCallback = report;
    vkCreateDebugUtilsMessengerEXT(c->instance, &mci, nullptr, &c->messenger);
  }
  uint32_t n = 0;
  vkEnumeratePhysicalDevices(c->instance, &n, nullptr);
  std::vector<VkPhysicalDevice> devices(n);
  vkEnumeratePhysicalDevices(c->instance, &n, devices.data());
  if (devices.empty()) return fail("no Vulkan device (install a driver, e.g. mesa-vulkan-drivers)");
  std::vector<VkPhysicalDeviceProperties> props(n);
  for (uint32_t i = 0; i < n; i++) vkGetPhysicalDeviceProperties(devices[i], &props[i]);
  std::vector<uint32_t> order(n);
  for (uint32_t i = 0; i < n; i++) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return type_rank(props[a].deviceType) < type_rank(props[b].deviceType);
  });
  uint32_t pick = order[0];
  if (const char *want = std::getenv("QTAICHI_VULKAN_DEVICE"); want && *want) {
    std::string w = want;
    bool found = false;
    for (uint32_t i = 0; i < n && !found; i++)
      if (w == std::to_string(i) || std::string(props[i].deviceName).find(w) != std::string::npos) {
        pick = i;
        found = true;
      }
    if (!found) return fail("QTAICHI_VULKAN_DEVICE=" + w + " matches no Vulkan device");
  }
  c->physical = devices[pick];
  c->name = props[pick].deviceName;

  VkPhysicalDeviceShaderAtomicFloatFeaturesEXT atomic_float{
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_ATOMIC_FLOAT_FEATURES_EXT};
  VkPhysicalDeviceVulkan12Features f12{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES};
  VkPhysicalDeviceVulkan11Features f11{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES};
  VkPhysicalDeviceFeatures2 f2{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
  uint32_t next = 0;
  vkEnumerateDeviceExtensionProperties(c->physical, nullptr, &next, nullptr);
  std::vector<VkExtensionProperties> dev_ext(next);
  vkEnumerateDeviceExtensionProperties(c->physical, nullptr, &next, dev_ext.data());
  bool has_atomic_float = std::any_of(dev_ext.begin(), dev_ext.end(), [](auto &e) {
    return std::strcmp(e.extensionName, VK_EXT_SHADER_ATOMIC_FLOAT_EXTENSION_NAME) == 0;
  });
  f2.pNext = &f11;
  f11.pNext = &f12;
  if (has_atomic_float) f12.pNext = &atomic_float;
  vkGetPhysicalDeviceFeatures2(c->physical, &f2);
  if (!f12.bufferDeviceAddress) return fail(c->name + " has no buffer device address");
  if (!f2.features.shaderInt64) return fail(c->name + " has no 64-bit integers in shaders");
  if (!f12.shaderInt8 || !f2.features.shaderInt16 || !f12.storageBuffer8BitAccess ||
      !f11.storageBuffer16BitAccess)
    return fail(c->name + " lacks 8/16-bit integers in shaders");
  if (!f2.features.shaderFloat64) return fail(c->name + " has no f64 in shaders");

  uint32_t nq = 0;
  vkGetPhysicalDeviceQueueFamilyProperties(c->physical, &nq, nullptr);
  std::vector<VkQueueFamilyProperties> qf(nq);
  vkGetPhysicalDeviceQueueFamilyProperties(c->physical, &nq, qf.data());
  bool found = false;
  for (uint32_t i = 0; i < nq && !found; i++)
    if (qf[i].queueFlags & VK_QUEUE_COMPUTE_BIT) {
      c->queue_family = i;
      found = true;
    }
  if (!found) return fail(c->name + " has no compute queue");

  // Enable exactly what the generated code uses.
  VkPhysicalDeviceShaderAtomicFloatFeaturesEXT want_af{
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_ATOMIC_FLOAT_FEATURES_EXT};
  want_af.shaderBufferFloat32AtomicAdd = atomic_float.shaderBufferFloat32AtomicAdd;
  want_af.shaderBufferFloat64AtomicAdd = atomic_float.shaderBufferFloat64AtomicAdd;
  VkPhysicalDeviceVulkan12Features want12{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES};
  want12.bufferDeviceAddress = VK_TRUE;
  want12.shaderInt8 = VK_TRUE;
  want12.storageBuffer8BitAccess = VK_TRUE;
  want12.shaderBufferInt64Atomics = f12.shaderBufferInt64Atomics;
  VkPhysicalDeviceVulkan11Features want11{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES};
  want11.storageBuffer16BitAccess = VK_TRUE;
  VkPhysicalDeviceFeatures2 want{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
  want.features.shaderInt64 = VK_TRUE;
  want.features.shaderInt16 = VK_TRUE;
  want.features.shaderFloat64 = VK_TRUE;
  want.pNext = &want11;
  want11.pNext = &want12;
  std::vector<const char *> dev_extensions;
  if (has_atomic_float) {
    want12.pNext = &want_af;
    dev_extensions.push_back(VK_EXT_SHADER_ATOMIC_FLOAT_EXTENSION_NAME);
  }
  float priority = 1.0f;
  VkDeviceQueueCreateInfo qci{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
  qci.queueFamilyIndex = c->queue_family;
  qci.queueCount = 1;
  qci.pQueuePriorities = &priority;
  VkDeviceCreateInfo dci{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
  dci.pNext = &want;
  dci.queueCreateInfoCount = 1;
  dci.pQueueCreateInfos = &qci;
  dci.enabledExtensionCount = static_cast<uint32_t>(dev_extensions.size());
  dci.ppEnabledExtensionNames = dev_extensions.data();
  if (vkCreateDevice(c->physical, &dci, nullptr, &c->device) != VK_SUCCESS)
    return fail("cannot create a Vulkan device on " + c->name);
  volkLoadDevice(c->device);
  vkGetDeviceQueue(c->device, c->queue_family, 0, &c->queue);

  // Host-visible, coherent memory for what the host writes every launch; device-local memory
  // for fields and ndarrays. Where the device-local memory is not host-visible (a discrete GPU
  // without resizable BAR), transfers go through staging copies; QTAICHI_VULKAN_STAGING=1
  // takes that path on any device (CI runs it on lavapipe).
  VkPhysicalDeviceMemoryProperties mp;
  vkGetPhysicalDeviceMemoryProperties(c->physical, &mp);
  VkMemoryPropertyFlags host = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
  // A mappable device-local type counts only with most of the device's memory behind it (a
  // discrete GPU without resizable BAR maps a 256 MiB window, too small for fields).
  VkDeviceSize biggest_local = 0;
  for (uint32_t h = 0; h < mp.memoryHeapCount; h++)
    if (mp.memoryHeaps[h].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT)
      biggest_local = std::max(biggest_local, mp.memoryHeaps[h].size);
  auto find_type = [&](VkMemoryPropertyFlags need, VkDeviceSize min_heap, uint32_t *out) {
    for (uint32_t i = 0; i < mp.memoryTypeCount; i++)
      if ((mp.memoryTypes[i].propertyFlags & need) == need &&
          mp.memoryHeaps[mp.memoryTypes[i].heapIndex].size >= min_heap) {
        *out = i;
        return true;
      }
    return false;
  };
  if (!find_type(host, 0, &c->host_memory)) return fail(c->name + " has no host-visible memory");
  if (!find_type(VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT | host, biggest_local / 2, &c->device_memory) &&
      !find_type(VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, 0, &c->device_memory))
    c->device_memory = c->host_memory;
  const char *force = std::getenv("QTAICHI_VULKAN_STAGING");
  c->staging = (mp.memoryTypes[c->device_memory].propertyFlags & host) != host ||
               (force && std::strcmp(force, "1") == 0);

  DeviceCaps &k = c->caps;
  k.cas8 = k.cas16 = false;  // SPIR-V atomics are 32 and 64 bits wide
  k.cas64 = k.atomic_int64 = f12.shaderBufferInt64Atomics;
  k.atomic_add_f32 = atomic_float.shaderBufferFloat32AtomicAdd;
  k.atomic_add_f64 = atomic_float.shaderBufferFloat64AtomicAdd;
  k.atomic_minmax_f32 = k.atomic_minmax_f64 = false;
  k.int64 = true;
  k.storage_8_16 = true;
  k.index_bits = 64;  // buffer device addresses
  k.max_binding_bytes = props[pick].limits.maxStorageBufferRange;
  VkPhysicalDeviceSubgroupProperties sub{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES};
  VkPhysicalDeviceVulkan12Properties p12{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_PROPERTIES};
  VkPhysicalDeviceProperties2 p2{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2};
  p2.pNext = &sub;
  sub.pNext = &p12;
  vkGetPhysicalDeviceProperties2(c->physical, &p2);
  k.subgroup_size = static_cast<int>(sub.subgroupSize);
  // llvmpipe ends every shader invocation after 65535 loop iterations, all loops together.
  if (p12.driverID == VK_DRIVER_ID_MESA_LLVMPIPE) k.max_loop_iterations = 65535;
  // Vulkan's precision rules allow sin 2^-11 off and exp 3 + 2|x| ulp, and drivers use them
  // (ir::Target also says so for every Vulkan target).
  k.accurate_math = false;
  k.preserve_inf_nan_f32 = p12.shaderSignedZeroInfNanPreserveFloat32;
  k.preserve_inf_nan_f64 = p12.shaderSignedZeroInfNanPreserveFloat64;
  k.preserve_denorm_f32 = p12.shaderDenormPreserveFloat32;
  k.preserve_denorm_f64 = p12.shaderDenormPreserveFloat64;
  c->software = props[pick].deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU;
  return c;
}

}  // namespace

VulkanContext &context_or_throw() {
  static VulkanContext *c = create_context();
  if (!c->error.empty()) throw std::runtime_error("no Vulkan device: " + c->error);
  return *c;
}

}  // namespace qtaichi::rt
