using System.Runtime.Intrinsics;

namespace MiniNet.Bench.Workloads;

/// <summary>The machine a figure comes from: its CPU, its cores and the SIMD path MiniNet's kernels take on it.</summary>
internal static class Machine
{
    /// <summary>For example "AMD EPYC 9B45, 2 cores; MiniNet's path: AVX-512 (Vector512)".</summary>
    public static string Description => $"{Cpu}, {Environment.ProcessorCount} cores; MiniNet's path: {SimdPath}";

    /// <summary>The widest vectors the kernels use here (DOTNET_EnableAVX512=0 and the like narrow it).</summary>
    public static string SimdPath =>
        Vector512.IsHardwareAccelerated ? "AVX-512 (Vector512)"
        : Vector256.IsHardwareAccelerated ? "AVX2 (Vector256)"
        : Vector128.IsHardwareAccelerated ? "128-bit (Vector128)"
        : "scalar (no SIMD)";

    /// <summary>
    /// The peer's <c>--isa</c> for this path: with DOTNET_EnableAVX512=0 on an AVX-512 CPU, MiniNet runs its AVX2
    /// kernels while oneDNN would still run AVX-512 ones, so PyTorch is capped at AVX2 too, as on an AVX2-only CPU.
    /// On the AVX-512 path PyTorch keeps its own choice; below AVX2 it goes down to SSE4.1 (it has no scalar path).
    /// </summary>
    public static string PeerIsa =>
        Vector512.IsHardwareAccelerated ? "native"
        : Vector256.IsHardwareAccelerated ? "avx2"
        : "sse";

    /// <summary>The CPU's model name from /proc/cpuinfo, or the architecture where there is none.</summary>
    public static string Cpu
    {
        get
        {
            try
            {
                foreach (var line in File.ReadLines("/proc/cpuinfo"))
                    if (line.StartsWith("model name", StringComparison.Ordinal) && line.IndexOf(':') is int colon and > 0)
                        return line[(colon + 1)..].Trim();
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
            return System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString();
        }
    }
}
