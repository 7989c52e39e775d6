using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Workstation.Portal.CdsHooks;

/// <summary>The crypto the client-JWT check uses: ES384 signatures of P-384 keys verified by Nettle
/// (<see cref="NettleP384"/>) when it is available and <see cref="CdsHooksOptions.P384Verifier"/> is Auto; everything
/// else (RS384, ES256, RS256, or Nettle missing) by the token handler's own providers (OpenSSL).</summary>
public sealed class CdsSignatureCrypto
{
    public CdsSignatureCrypto(IOptions<CdsHooksOptions> options, ILogger<CdsSignatureCrypto> logger)
    {
        var nettle = options.Value.P384Verifier == P384Verifier.Auto && NettleP384.Available;
        Factory = new CryptoProviderFactory();
        if (nettle)
        {
            Factory.CustomCryptoProvider = new NettleProvider();
            logger.LogInformation("ES384 client JWTs are verified by Nettle (libhogweed 6)");
        }
        else
        {
            logger.LogInformation("ES384 client JWTs are verified by OpenSSL ({Why})",
                options.Value.P384Verifier == P384Verifier.OpenSsl ? "CdsHooks:P384Verifier is OpenSsl" : NettleP384.Unavailable);
        }
    }

    /// <summary>For <see cref="TokenValidationParameters.CryptoProviderFactory"/>.</summary>
    public CryptoProviderFactory Factory { get; }

    /// <summary>Answers for ES384 with a P-384 key it can read; one provider per key, kept with the key (the factory
    /// does not cache what a custom provider creates).</summary>
    private sealed class NettleProvider : ICryptoProvider
    {
        private static readonly object NotP384 = new();
        private readonly ConditionalWeakTable<SecurityKey, object> _providers = new();

        public bool IsSupportedAlgorithm(string algorithm, params object[] args) =>
            algorithm == SecurityAlgorithms.EcdsaSha384 && args is [SecurityKey key, false, ..] && Provider(key) is NettleP384SignatureProvider;

        public object Create(string algorithm, params object[] args) => (NettleP384SignatureProvider)Provider((SecurityKey)args[0]);

        public void Release(object cryptoInstance)
        {
            // Kept with its key for the next token.
        }

        private object Provider(SecurityKey key) => _providers.GetValue(key, k => PublicKey(k) is { } point ? new NettleP384SignatureProvider(k, point) : NotP384);

        private static ulong[]? PublicKey(SecurityKey key)
        {
            switch (key)
            {
                case JsonWebKey { Kty: JsonWebAlgorithmsKeyTypes.EllipticCurve, Crv: JsonWebKeyECTypes.P384 } jwk when jwk.X is not null && jwk.Y is not null:
                    try
                    {
                        return NettleP384.PublicKey(Base64UrlEncoder.DecodeBytes(jwk.X), Base64UrlEncoder.DecodeBytes(jwk.Y));
                    }
                    catch (FormatException)
                    {
                        return null;
                    }
                case ECDsaSecurityKey { ECDsa.KeySize: 384 } ec:
                    var q = ec.ECDsa.ExportParameters(false).Q;
                    return q.X is null || q.Y is null ? null : NettleP384.PublicKey(q.X, q.Y);
                default:
                    return null;
            }
        }
    }
}

/// <summary>Verifies ES384 signatures of one P-384 key with Nettle; never signs.</summary>
internal sealed class NettleP384SignatureProvider(SecurityKey key, ulong[] publicKey) : SignatureProvider(key, SecurityAlgorithms.EcdsaSha384)
{
    public override byte[] Sign(byte[] input) => throw new NotSupportedException("Verification only.");

    public override bool Verify(byte[] input, byte[] signature) =>
        input is not null && signature is not null && NettleP384.Verify(publicKey, input, signature);

    public override bool Verify(byte[] input, int inputOffset, int inputLength, byte[] signature, int signatureOffset, int signatureLength) =>
        input is not null && signature is not null
        && NettleP384.Verify(publicKey, input.AsSpan(inputOffset, inputLength), signature.AsSpan(signatureOffset, signatureLength));

    /// <summary>The factory disposes a provider it did not cache after each token (its Release asks the custom provider
    /// by algorithm alone, which this one does not claim): there is nothing to free, and the provider stays usable.</summary>
    protected override void Dispose(bool disposing)
    {
    }
}
