using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Workstation.Portal.CdsHooks;

/// <summary>ECDSA P-384 signature verification (ES384) by GNU Nettle's libhogweed 6, loaded at run time: 0.37 ms per
/// signature here against OpenSSL 3.0's 0.68 ms (OpenSSL has an optimised P-384 only from 3.2; Debian 12 ships 3.0).
/// Nettle is the library under GnuTLS, installed on Debian, Ubuntu and RHEL systems with it (apt itself depends on it),
/// under LGPLv3+ / GPLv2+; the portal links to it dynamically and ships none of it. Where it is missing,
/// <see cref="Available"/> is false and OpenSSL verifies (docs/decisions/0019-es384-verified-by-nettle.md).
/// Verification only, of public data: nothing here needs to run in constant time.</summary>
internal static class NettleP384
{
    private const string Library = "libhogweed.so.6";
    private const int Bytes = 48;
    private const int Limbs = Bytes / sizeof(ulong);

    /// <summary>p = 2^384 − 2^128 − 2^96 + 2^32 − 1 and b of y² = x³ − 3x + b (SEC 2, secp384r1).</summary>
    private static readonly BigInteger P = BigInteger.Pow(2, 384) - BigInteger.Pow(2, 128) - BigInteger.Pow(2, 96) + BigInteger.Pow(2, 32) - 1;

    private static readonly BigInteger B = BigInteger.Parse(
        "0B3312FA7E23EE7E4988E056BE3F82D19181D9C6EFE8141120314088F5013875AC656398D8A2ED19D2A85C8EDD3EC2AEF", NumberStyles.HexNumber,
        CultureInfo.InvariantCulture);

    private static readonly IntPtr Curve;
    private static readonly int ScratchLimbs;

    /// <summary>Whether libhogweed 6 was loaded and answers for secp384r1 as expected.</summary>
    public static bool Available { get; }

    /// <summary>Why it is not available (for the log).</summary>
    public static string? Unavailable { get; }

    static NettleP384()
    {
        if (!OperatingSystem.IsLinux() || !Environment.Is64BitProcess)
        {
            Unavailable = "only used on 64-bit Linux";
            return;
        }
        if (!NativeLibrary.TryLoad(Library, typeof(NettleP384).Assembly, null, out _))
        {
            Unavailable = Library + " not found";
            return;
        }
        try
        {
            Curve = GetSecp384r1();
            if (Curve == IntPtr.Zero || EccBitSize(Curve) != 384 || EccSize(Curve) != Limbs)
            {
                Unavailable = "secp384r1 is not what it should be in " + Library;
                return;
            }
            var itch = EccEcdsaVerifyItch(Curve);
            if (itch is <= 0 or > 1024)
            {
                Unavailable = "unexpected scratch size " + itch;
                return;
            }
            ScratchLimbs = (int)itch;
            Available = true;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            Unavailable = ex.Message;
        }
    }

    /// <summary>The public key as Nettle takes it (x then y, little-endian 64-bit limbs), or null when (x, y) is not a
    /// point of the curve (each coordinate 48 bytes, big-endian, below p, y² = x³ − 3x + b; the cofactor is 1, so such a
    /// point is in the signature group).</summary>
    public static ulong[]? PublicKey(ReadOnlySpan<byte> x, ReadOnlySpan<byte> y)
    {
        if (x.Length != Bytes || y.Length != Bytes) return null;
        var bx = new BigInteger(x, isUnsigned: true, isBigEndian: true);
        var by = new BigInteger(y, isUnsigned: true, isBigEndian: true);
        if (bx >= P || by >= P) return null;
        var right = (BigInteger.ModPow(bx, 3, P) - 3 * bx + B) % P;
        if (right < 0) right += P;
        if (BigInteger.ModPow(by, 2, P) != right) return null;
        var point = new ulong[2 * Limbs];
        ToLimbs(x, point.AsSpan(0, Limbs));
        ToLimbs(y, point.AsSpan(Limbs));
        return point;
    }

    /// <summary>Whether <paramref name="signature"/> (JWS form: r then s, 48 bytes each, big-endian) is the ES384
    /// signature of <paramref name="data"/> by <paramref name="publicKey"/> (from <see cref="PublicKey"/>). r and s
    /// outside [1, n − 1] are refused by Nettle.</summary>
    public static bool Verify(ulong[] publicKey, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (!Available) throw new InvalidOperationException("Nettle is not available: " + Unavailable);
        if (publicKey.Length != 2 * Limbs || signature.Length != 2 * Bytes) return false;
        Span<byte> digest = stackalloc byte[Bytes];
        SHA384.HashData(data, digest);
        Span<ulong> r = stackalloc ulong[Limbs];
        Span<ulong> s = stackalloc ulong[Limbs];
        ToLimbs(signature[..Bytes], r);
        ToLimbs(signature[Bytes..], s);
        Span<ulong> scratch = stackalloc ulong[ScratchLimbs];
        return EccEcdsaVerify(Curve, ref publicKey[0], Bytes, ref MemoryMarshal.GetReference(digest), ref MemoryMarshal.GetReference(r),
            ref MemoryMarshal.GetReference(s), ref MemoryMarshal.GetReference(scratch)) == 1;
    }

    /// <summary>48 big-endian bytes into six little-endian limbs (Nettle's mp_limb_t order).</summary>
    private static void ToLimbs(ReadOnlySpan<byte> bigEndian, Span<ulong> limbs)
    {
        for (var i = 0; i < Limbs; i++) limbs[i] = BinaryPrimitives.ReadUInt64BigEndian(bigEndian.Slice(Bytes - 8 * (i + 1), 8));
    }

    [DllImport(Library, EntryPoint = "nettle_get_secp_384r1")]
    private static extern IntPtr GetSecp384r1();

    [DllImport(Library, EntryPoint = "nettle_ecc_bit_size")]
    private static extern uint EccBitSize(IntPtr ecc);

    [DllImport(Library, EntryPoint = "nettle_ecc_size")]
    private static extern nint EccSize(IntPtr ecc);

    [DllImport(Library, EntryPoint = "nettle_ecc_ecdsa_verify_itch")]
    private static extern nint EccEcdsaVerifyItch(IntPtr ecc);

    /// <summary><c>int ecc_ecdsa_verify(const struct ecc_curve *ecc, const mp_limb_t *pp, size_t length, const uint8_t
    /// *digest, const mp_limb_t *rp, const mp_limb_t *sp, mp_limb_t *scratch)</c>: 1 when valid.</summary>
    [DllImport(Library, EntryPoint = "nettle_ecc_ecdsa_verify")]
    private static extern int EccEcdsaVerify(IntPtr ecc, ref ulong publicKey, nuint length, ref byte digest, ref ulong r, ref ulong s, ref ulong scratch);
}
