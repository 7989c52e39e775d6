using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Workstation.Portal.CdsHooks;

namespace Workstation.UnitTests.CdsHooks;

/// <summary>ES384 client JWTs verified by Nettle (libhogweed 6) must accept exactly what OpenSSL accepts: the same answer
/// as .NET's ECDsa for valid, tampered and out-of-range signatures, off-curve keys refused, and the token handler using
/// it for P-384 keys only when it is switched on. The test machine has libhogweed (test.sh installs it); without it these
/// tests fail rather than pass on OpenSSL alone.</summary>
public sealed class NettleP384Tests
{
    /// <summary>The order of the P-384 group (SEC 2).</summary>
    private static readonly BigInteger N = BigInteger.Parse(
        "0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973",
        System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Nettle_is_loaded_on_this_machine() => Assert.True(NettleP384.Available, NettleP384.Unavailable);

    [Fact]
    public void Nettle_answers_as_OpenSSL_for_valid_tampered_and_foreign_signatures()
    {
        Assert.True(NettleP384.Available, NettleP384.Unavailable);
        var random = new Random(384);
        var other = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        for (var i = 0; i < 200; i++)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
            var point = PublicKey(key);
            var data = new byte[random.Next(1, 600)];
            random.NextBytes(data);
            var signature = key.SignData(data, HashAlgorithmName.SHA384);

            Assert.True(NettleP384.Verify(point, data, signature));
            AssertSame(key, point, data, signature);

            var changedData = (byte[])data.Clone();
            changedData[random.Next(changedData.Length)] ^= (byte)(1 << random.Next(8));
            Assert.False(NettleP384.Verify(point, changedData, signature));
            AssertSame(key, point, changedData, signature);

            var changedSignature = (byte[])signature.Clone();
            changedSignature[random.Next(changedSignature.Length)] ^= (byte)(1 << random.Next(8)); // r or s
            Assert.False(NettleP384.Verify(point, data, changedSignature));
            AssertSame(key, point, data, changedSignature);

            var foreign = other.SignData(data, HashAlgorithmName.SHA384);
            Assert.False(NettleP384.Verify(point, data, foreign));
            AssertSame(key, point, data, foreign);

            // (r, n − s) is the same signature to ECDSA: both accept it.
            var s = new BigInteger(signature.AsSpan(48), isUnsigned: true, isBigEndian: true);
            var mirrored = Signature(signature.AsSpan(0, 48), N - s);
            Assert.True(NettleP384.Verify(point, data, mirrored));
            AssertSame(key, point, data, mirrored);
        }
    }

    [Fact]
    public void Signatures_out_of_range_or_of_the_wrong_length_are_refused_as_OpenSSL_refuses_them()
    {
        Assert.True(NettleP384.Available, NettleP384.Unavailable);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var point = PublicKey(key);
        var data = Encoding.ASCII.GetBytes("header.payload");
        var signature = key.SignData(data, HashAlgorithmName.SHA384);
        var r = new BigInteger(signature.AsSpan(0, 48), isUnsigned: true, isBigEndian: true);
        var s = new BigInteger(signature.AsSpan(48), isUnsigned: true, isBigEndian: true);
        byte[][] bad =
        [
            Signature(BigInteger.Zero, s), Signature(r, BigInteger.Zero), Signature(N, s), Signature(r, N), Signature(r + N, s),
            Signature(r, s + N), Signature(BigInteger.Pow(2, 384) - 1, s), [.. Enumerable.Repeat((byte)0xFF, 96)], new byte[96],
            signature[..95], [.. signature, 0], [], [.. new byte[1], .. signature],
        ];
        foreach (var candidate in bad)
        {
            Assert.False(NettleP384.Verify(point, data, candidate));
            AssertSame(key, point, data, candidate);
        }
    }

    [Fact]
    public void A_public_key_off_the_curve_or_outside_the_field_is_not_taken()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var q = key.ExportParameters(false).Q;
        Assert.NotNull(NettleP384.PublicKey(q.X, q.Y));
        var y = new BigInteger(q.Y, isUnsigned: true, isBigEndian: true);
        Assert.Null(NettleP384.PublicKey(q.X, Bytes(y ^ 1)));
        Assert.Null(NettleP384.PublicKey(q.X, q.Y.AsSpan(1)));
        Assert.Null(NettleP384.PublicKey(new byte[48], new byte[48]));
        Assert.Null(NettleP384.PublicKey(Enumerable.Repeat((byte)0xFF, 48).ToArray(), q.Y)); // x ≥ p
        Assert.ThrowsAny<CryptographicException>(() => ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP384, Q = new ECPoint { X = q.X, Y = Bytes(y ^ 1) } }));
    }

    [Fact]
    public async Task The_token_handler_verifies_ES384_with_Nettle_when_on_and_with_OpenSSL_when_off()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(ECDsa.Create(key.ExportParameters(false))) { KeyId = "k1" });
        var set = new JsonWebKeySet($$"""{"keys":[{"kty":"EC","crv":"P-384","x":"{{jwk.X}}","y":"{{jwk.Y}}","kid":"k1","use":"sig"}]}""");
        var verifyingKey = set.GetSigningKeys().Single();
        var handler = new JsonWebTokenHandler();
        var token = handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "https://ehr.example", Audience = "https://portal.example/cds-services", Expires = DateTime.UtcNow.AddMinutes(5),
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(key) { KeyId = "k1" }, SecurityAlgorithms.EcdsaSha384),
        });
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var forged = handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "https://ehr.example", Audience = "https://portal.example/cds-services", Expires = DateTime.UtcNow.AddMinutes(5),
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(stranger) { KeyId = "k1" }, SecurityAlgorithms.EcdsaSha384),
        });

        foreach (var verifier in new[] { P384Verifier.Auto, P384Verifier.OpenSsl })
        {
            var crypto = new CdsSignatureCrypto(Options.Create(new CdsHooksOptions { P384Verifier = verifier }), NullLogger<CdsSignatureCrypto>.Instance);
            var provider = crypto.Factory.CreateForVerifying(verifyingKey, SecurityAlgorithms.EcdsaSha384);
            Assert.Equal(verifier == P384Verifier.Auto, provider is NettleP384SignatureProvider);
            crypto.Factory.ReleaseSignatureProvider(provider);
            Assert.False(crypto.Factory.CustomCryptoProvider?.IsSupportedAlgorithm(SecurityAlgorithms.RsaSha384, verifyingKey, false) ?? false);

            var parameters = new TokenValidationParameters
            {
                ValidIssuer = "https://ehr.example", ValidAudience = "https://portal.example/cds-services", IssuerSigningKeys = [verifyingKey],
                ValidAlgorithms = [SecurityAlgorithms.EcdsaSha384], CryptoProviderFactory = crypto.Factory,
            };
            Assert.True((await handler.ValidateTokenAsync(token, parameters)).IsValid, verifier.ToString());
            Assert.False((await handler.ValidateTokenAsync(forged, parameters)).IsValid, verifier.ToString());
            Assert.False((await handler.ValidateTokenAsync(token[..^2] + (token[^2] == 'A' ? "B" : "A") + token[^1], parameters)).IsValid, verifier.ToString());
        }
    }

    [Fact]
    public async Task A_JWK_whose_point_is_off_the_curve_is_not_taken_by_Nettle_and_refused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var q = key.ExportParameters(false).Q;
        var y = Base64UrlEncoder.Encode(Bytes(new BigInteger(q.Y, isUnsigned: true, isBigEndian: true) ^ 1));
        var json = $$"""{"kty":"EC","crv":"P-384","x":"{{Base64UrlEncoder.Encode(q.X)}}","y":"{{y}}","kid":"k1","use":"sig"}""";
        Assert.Empty(new JsonWebKeySet($$"""{"keys":[{{json}}]}""").GetSigningKeys()); // what JwksCache reads: dropped there already
        var verifyingKey = new JsonWebKey(json); // and if one got through, neither verifier takes it
        var crypto = new CdsSignatureCrypto(Options.Create(new CdsHooksOptions()), NullLogger<CdsSignatureCrypto>.Instance);
        Assert.False(crypto.Factory.CustomCryptoProvider!.IsSupportedAlgorithm(SecurityAlgorithms.EcdsaSha384, verifyingKey, false));
        var handler = new JsonWebTokenHandler();
        var token = handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "https://ehr.example", Audience = "a", Expires = DateTime.UtcNow.AddMinutes(5),
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(key) { KeyId = "k1" }, SecurityAlgorithms.EcdsaSha384),
        });
        var result = await handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = "https://ehr.example", ValidAudience = "a", IssuerSigningKeys = [verifyingKey], CryptoProviderFactory = crypto.Factory,
        });
        Assert.False(result.IsValid);
    }

    /// <summary>Nettle's answer must be OpenSSL's.</summary>
    private static void AssertSame(ECDsa key, ulong[] point, byte[] data, byte[] signature) =>
        Assert.Equal(key.VerifyData(data, signature, HashAlgorithmName.SHA384), NettleP384.Verify(point, data, signature));

    private static ulong[] PublicKey(ECDsa key)
    {
        var q = key.ExportParameters(false).Q;
        return NettleP384.PublicKey(q.X, q.Y) ?? throw new InvalidOperationException("a generated key is on the curve");
    }

    private static byte[] Signature(ReadOnlySpan<byte> r, BigInteger s) => [.. r, .. Bytes(s)];

    private static byte[] Signature(BigInteger r, BigInteger s) => [.. Bytes(r), .. Bytes(s)];

    /// <summary>48 big-endian bytes (the value cut to 384 bits).</summary>
    private static byte[] Bytes(BigInteger value)
    {
        var raw = (value % BigInteger.Pow(2, 384)).ToByteArray(isUnsigned: true, isBigEndian: true);
        return [.. new byte[48 - raw.Length], .. raw];
    }
}
