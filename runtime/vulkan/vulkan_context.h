#pragma once
// The process's one Vulkan context: the instance (validation layer when asked), the device
// chosen (discrete > integrated > virtual > CPU, or QTAICHI_VULKAN_DEVICE), its queue, memory
// types and capabilities. Created on first use; every VulkanDevice shares it.
#include <volk.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

#include "runtime/device_caps.h"

namespace qtaichi::rt {

struct VulkanContext {
  VkInstance instance = VK_NULL_HANDLE;
  VkDebugUtilsMessengerEXT messenger = VK_NULL_HANDLE;
  VkPhysicalDevice physical = VK_NULL_HANDLE;
  VkDevice device = VK_NULL_HANDLE;
  VkQueue queue = VK_NULL_HANDLE;
  uint32_t queue_family = 0;
  std::string name;
  DeviceCaps caps;
  uint32_t host_memory = 0;    // host-visible, coherent: launch blocks, staging
  uint32_t device_memory = 0;  // device-local (preferred) for fields and ndarrays
  bool staging = false;        // device_memory is not host-visible: transfers go through copies
  std::mutex queue_mu;
  bool software = false;  // a CPU implementation (lavapipe)
  std::string error;      // empty: usable
};

// The context, or std::runtime_error("no Vulkan device: <why>").
VulkanContext &context_or_throw();

// Throws std::runtime_error naming the call when r is not VK_SUCCESS.
void check_vk(VkResult r, const char *what);

// Warnings and errors the validation layer reported so far.
extern std::atomic<int64_t> validation_messages;

}  // namespace qtaichi::rt
