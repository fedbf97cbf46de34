using System.Runtime.InteropServices;
using System.Security.Cryptography;
using MiniNet.Layers;

namespace MiniNet.Examples.FashionMnist;

/// <summary>
/// A short fingerprint of a model's trained parameters: the first 16 hexadecimal digits of the SHA-256 of their bytes,
/// in the order of their names. MiniNet gives the same bits on every CPU, so a run with the same options and seed prints
/// the same fingerprint on any machine — a reader can check a README's figures against their own run at a glance.
/// </summary>
internal static class WeightsFingerprint
{
    public static string Of(Module model)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var state = model.StateDict();
        foreach (string name in state.Keys.Order(StringComparer.Ordinal))
        {
            var tensor = state[name];
            if (tensor.DType == DType.Float32) hash.AppendData(MemoryMarshal.AsBytes(tensor.AsReadOnlySpan<float>()));
            else hash.AppendData(MemoryMarshal.AsBytes(tensor.AsReadOnlySpan<double>()));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }
}
