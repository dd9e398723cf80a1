package dev.nm.routes.system;

import dev.nm.protocol.ErrorCode;
import dev.nm.route.Expect;
import dev.nm.route.InvalidCase;
import dev.nm.route.NativeRoute;
import dev.nm.route.RouteContext;
import dev.nm.route.RouteHandler;
import dev.nm.route.ValidCase;
import jakarta.validation.constraints.Pattern;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;
import oshi.hardware.GraphicsCard;
import oshi.hardware.HardwareAbstractionLayer;
import oshi.software.os.OperatingSystem;

/**
 * The machine the host runs on, read with OSHI: operating system, CPU, memory and GPUs (on Linux from the kernel's
 * PCI devices and their drivers: {@link LinuxGpus}). An extension uses it to pick a model that fits.
 */
@NativeRoute(
    name = "system",
    description = "Describes the machine: OS name and version, architecture, CPU model and cores, total and available memory, GPUs with their VRAM.",
    tags = {"system"})
@ValidCase(
    name = "describes the machine",
    request = "{}",
    expect = {
      @Expect(path = "/os/name"),
      @Expect(path = "/cpu/logical_cores", matches = "[1-9][0-9]*"),
      @Expect(path = "/memory/total_bytes", matches = "[1-9][0-9]*"),
      @Expect(path = "/gpus")
    })
@ValidCase(name = "without gpus", request = "{\"gpus\": \"skip\"}", expect = @Expect(path = "/gpus", equalTo = "[]"))
@InvalidCase(name = "unknown gpus mode", request = "{\"gpus\": \"maybe\"}", code = ErrorCode.VALIDATION_ERROR, field = "gpus")
public final class SystemRoute implements RouteHandler<SystemRoute.Request, SystemRoute.Reply> {
  private static final Path PCI_DEVICES = Path.of("/sys/bus/pci/devices");

  private final SystemInfo system = new SystemInfo();

  /**
   * @param gpus {@code list} (default) enumerates graphics cards; {@code skip} leaves them out, which is
   *     faster on machines where the enumeration is slow
   */
  public record Request(@Pattern(regexp = "list|skip", message = "must be list or skip") String gpus) {}

  /** The machine, as OSHI reads it at the time of the call. */
  public record Reply(Os os, Cpu cpu, Memory memory, List<Gpu> gpus) {}

  /**
   * The operating system.
   *
   * @param name the OS family, e.g. {@code Debian GNU/Linux}, {@code Windows}, {@code macOS}
   * @param arch the JVM's architecture name, e.g. {@code amd64}, {@code aarch64}
   */
  public record Os(String name, String version, String arch) {}

  /** The processor: its marketing name and core counts. */
  public record Cpu(String model, int physicalCores, int logicalCores) {}

  /** Physical memory, in bytes. */
  public record Memory(long totalBytes, long availableBytes) {}

  /**
   * @param vramBytes dedicated video memory as its driver reports it (Linux: amdgpu, nvidia-smi; Windows and macOS:
   *     the OS); null where none does
   */
  public record Gpu(String name, String vendor, Long vramBytes) {}

  @Override
  public Reply handle(Request request, RouteContext context) {
    HardwareAbstractionLayer hardware = system.getHardware();
    OperatingSystem os = system.getOperatingSystem();
    CentralProcessor cpu = hardware.getProcessor();
    GlobalMemory memory = hardware.getMemory();
    List<Gpu> gpus = "skip".equals(request.gpus()) ? List.of() : gpus(hardware);
    return new Reply(
        new Os(os.getFamily(), os.getVersionInfo().toString(), System.getProperty("os.arch")),
        new Cpu(cpu.getProcessorIdentifier().getName(), cpu.getPhysicalProcessorCount(), cpu.getLogicalProcessorCount()),
        new Memory(memory.getTotal(), memory.getAvailable()),
        gpus);
  }

  /**
   * On Linux the kernel's PCI display controllers, named by nvidia-smi or OSHI where they know the device, with the
   * memory their drivers report ({@link LinuxGpus}); elsewhere OSHI's graphics cards.
   */
  private static List<Gpu> gpus(HardwareAbstractionLayer hardware) {
    if (!Files.isDirectory(PCI_DEVICES)) {
      return hardware.getGraphicsCards().stream()
          .map(card -> new Gpu(card.getName(), card.getVendor(), card.getVRam() > 0 ? card.getVRam() : null))
          .toList();
    }
    List<LinuxGpus.Device> devices = LinuxGpus.scan(PCI_DEVICES);
    Map<String, LinuxGpus.NvidiaGpu> nvidia =
        devices.stream().anyMatch(d -> d.vendorId() == 0x10de) ? LinuxGpus.askNvidiaSmi() : Map.of();
    List<GraphicsCard> cards = devices.isEmpty() ? List.of() : hardware.getGraphicsCards();
    return devices.stream().map(device -> gpu(device, nvidia.get(device.slot()), cards)).toList();
  }

  static Gpu gpu(LinuxGpus.Device device, LinuxGpus.NvidiaGpu nvidia, List<GraphicsCard> cards) {
    String deviceId = String.format(Locale.ROOT, "0x%04x", device.deviceId());
    String name =
        nvidia != null
            ? nvidia.name()
            : cards.stream()
                .filter(card -> deviceId.equalsIgnoreCase(card.getDeviceId()))
                .map(GraphicsCard::getName)
                .findFirst()
                .orElse(device.vendor() + " PCI device " + deviceId);
    Long vram = nvidia != null ? Long.valueOf(nvidia.memoryBytes()) : device.vramBytes().isPresent() ? device.vramBytes().getAsLong() : null;
    return new Gpu(name, device.vendor(), vram);
  }
}
