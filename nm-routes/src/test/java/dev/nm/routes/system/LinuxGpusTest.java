package dev.nm.routes.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GPUs of a Linux machine from a sysfs tree laid out as the kernel's, and nvidia-smi's answer. */
class LinuxGpusTest {
  @TempDir Path sys;

  private void device(String slot, String pciClass, String vendor, String device, String vram) throws IOException {
    Path dir = Files.createDirectories(sys.resolve(slot));
    Files.writeString(dir.resolve("class"), pciClass + "\n");
    Files.writeString(dir.resolve("vendor"), vendor + "\n");
    Files.writeString(dir.resolve("device"), device + "\n");
    if (vram != null) {
      Files.writeString(dir.resolve("mem_info_vram_total"), vram + "\n");
    }
  }

  /**
   * A VGA controller, a 3D controller (an H100, which OSHI's lspci filter leaves out) and an AMD card with amdgpu's
   * memory file are all listed; a network card is not.
   */
  @Test
  void listsEveryDisplayControllerWithTheMemoryItsDriverReports() throws IOException {
    device("0000:00:02.0", "0x030000", "0x1a03", "0x2000", null);
    device("0000:01:00.0", "0x030200", "0x10de", "0x2330", null);
    device("0000:02:00.0", "0x030000", "0x1002", "0x744c", "25753026560");
    device("0000:03:00.0", "0x020000", "0x8086", "0x1521", null);

    List<LinuxGpus.Device> devices = LinuxGpus.scan(sys);

    assertEquals(
        List.of(
            new LinuxGpus.Device("0000:00:02.0", 0x1a03, 0x2000, OptionalLong.empty()),
            new LinuxGpus.Device("0000:01:00.0", 0x10de, 0x2330, OptionalLong.empty()),
            new LinuxGpus.Device("0000:02:00.0", 0x1002, 0x744c, OptionalLong.of(25_753_026_560L))),
        devices);
    Map<String, LinuxGpus.NvidiaGpu> smi = LinuxGpus.parseNvidiaSmi("00000000:01:00.0, NVIDIA H100 80GB HBM3, 81559\n");
    assertEquals(
        new SystemRoute.Gpu("NVIDIA H100 80GB HBM3", "NVIDIA", 81_559L << 20),
        SystemRoute.gpu(devices.get(1), smi.get(devices.get(1).slot()), List.of()));
    assertEquals(
        new SystemRoute.Gpu("AMD PCI device 0x744c", "AMD", 25_753_026_560L),
        SystemRoute.gpu(devices.get(2), null, List.of()));
    assertEquals(
        new SystemRoute.Gpu("ASPEED PCI device 0x2000", "ASPEED", null), SystemRoute.gpu(devices.get(0), null, List.of()),
        "no driver says its memory: unknown, not the size of its PCI window");
  }

  @Test
  void nvidiaSmiLinesWithCommasInTheNameOrNothingUsableAreReadAsWritten() {
    assertEquals(
        Map.of("0000:81:00.0", new LinuxGpus.NvidiaGpu("NVIDIA RTX A6000, rev 2", 49_140L << 20)),
        LinuxGpus.parseNvidiaSmi("00000000:81:00.0, NVIDIA RTX A6000, rev 2, 49140\n[N/A]\n, , \n"));
  }

  @Test
  void noSysfsIsNoDevices() {
    assertEquals(List.of(), LinuxGpus.scan(sys.resolve("absent")));
  }
}
