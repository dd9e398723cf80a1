package dev.nm.routes.system;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The GPUs of a Linux machine, from the kernel's PCI devices ({@code /sys/bus/pci/devices}) and what their drivers
 * tell of their memory. OSHI lists only the devices {@code lspci} calls "VGA" (not the "3D controllers" that
 * data-centre and most laptop NVIDIA GPUs are), and gives the size of a card's PCI memory windows as its VRAM
 * (256 MiB for a 24 GiB card); this reads the memory where a driver says it: amdgpu's
 * {@code mem_info_vram_total}, NVIDIA's {@code nvidia-smi}. Elsewhere the memory is unknown, not guessed.
 */
final class LinuxGpus {
  private static final Map<Integer, String> VENDORS =
      Map.of(0x10de, "NVIDIA", 0x1002, "AMD", 0x8086, "Intel", 0x1a03, "ASPEED", 0x15ad, "VMware", 0x1234, "QEMU",
          0x1af4, "Red Hat (virtio)", 0x1013, "Cirrus Logic");

  private LinuxGpus() {}

  /**
   * One display controller (PCI class 03: VGA, XGA, 3D, other).
   *
   * @param slot the PCI address, e.g. {@code 0000:01:00.0}
   * @param vramBytes its memory as its driver reports it; empty where none does
   */
  record Device(String slot, int vendorId, int deviceId, OptionalLong vramBytes) {
    String vendor() {
      return VENDORS.getOrDefault(vendorId, String.format(Locale.ROOT, "PCI vendor 0x%04x", vendorId));
    }
  }

  /** The display controllers under {@code pciDevices}, by PCI address; empty if it cannot be read. */
  static List<Device> scan(Path pciDevices) {
    List<Device> devices = new ArrayList<>();
    try (Stream<Path> entries = Files.list(pciDevices)) {
      for (Path device : entries.sorted().toList()) {
        String pciClass = read(device.resolve("class"));
        if (pciClass == null || !pciClass.startsWith("0x03")) {
          continue;
        }
        Integer vendor = hex(read(device.resolve("vendor")));
        Integer id = hex(read(device.resolve("device")));
        if (vendor == null || id == null) {
          continue;
        }
        String vram = read(device.resolve("mem_info_vram_total")); // amdgpu
        OptionalLong bytes = OptionalLong.empty();
        if (vram != null && vram.matches("[0-9]+")) {
          bytes = OptionalLong.of(Long.parseLong(vram));
        }
        devices.add(new Device(device.getFileName().toString(), vendor, id, bytes));
      }
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
    return devices;
  }

  /** One GPU as nvidia-smi names it, by PCI address in sysfs's form. */
  record NvidiaGpu(String name, long memoryBytes) {}

  /**
   * {@code nvidia-smi --query-gpu=pci.bus_id,name,memory.total --format=csv,noheader,nounits} parsed: by PCI address
   * ({@code 00000000:01:00.0} written as sysfs does, {@code 0000:01:00.0}).
   */
  static Map<String, NvidiaGpu> parseNvidiaSmi(String output) {
    Map<String, NvidiaGpu> gpus = new HashMap<>();
    for (String line : output.split("\n")) {
      String[] fields = line.split(",");
      if (fields.length < 3) {
        continue;
      }
      String busId = fields[0].trim().toLowerCase(Locale.ROOT);
      String memory = fields[fields.length - 1].trim();
      if (busId.length() < 12 || !memory.matches("[0-9]+")) {
        continue;
      }
      String name = String.join(",", List.of(fields).subList(1, fields.length - 1)).trim();
      gpus.put(busId.substring(busId.length() - 12), new NvidiaGpu(name, Long.parseLong(memory) << 20));
    }
    return gpus;
  }

  /** What nvidia-smi says of the machine's NVIDIA GPUs; empty without it or if it fails within 5 s. */
  static Map<String, NvidiaGpu> askNvidiaSmi() {
    try {
      Process smi =
          new ProcessBuilder("nvidia-smi", "--query-gpu=pci.bus_id,name,memory.total", "--format=csv,noheader,nounits")
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      // Waited for before its output is read (a line a GPU fits the pipe): a wedged driver hangs nvidia-smi.
      if (!smi.waitFor(5, TimeUnit.SECONDS) || smi.exitValue() != 0) {
        smi.destroyForcibly();
        return Map.of();
      }
      return parseNvidiaSmi(new String(smi.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      return Map.of(); // no nvidia-smi: no NVIDIA driver
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Map.of();
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII).trim();
    } catch (IOException e) {
      return null;
    }
  }

  private static Integer hex(String text) {
    if (text == null || !text.startsWith("0x")) {
      return null;
    }
    try {
      return Integer.parseInt(text.substring(2), 16);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
