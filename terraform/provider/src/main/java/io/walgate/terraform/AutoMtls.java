package io.walgate.terraform;

import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import javax.net.ssl.SSLException;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * go-plugin's automatic mutual TLS: Terraform hands the provider its client certificate
 * ({@code PLUGIN_CLIENT_CERT}); the provider makes a certificate of its own for this run, serves
 * with it, requires Terraform's, and names its own in the handshake line. The JDK's TLS is used:
 * OpenSSL's, as Netty would pick when present, refuses Terraform's P-521 client certificate.
 */
public final class AutoMtls {
    private final KeyPair keys;
    private final X509Certificate certificate;
    private final X509Certificate client;

    private AutoMtls(KeyPair keys, X509Certificate certificate, X509Certificate client) {
        this.keys = keys;
        this.certificate = certificate;
        this.client = client;
    }

    /** A fresh certificate (CN and SAN {@code localhost}, ECDSA P-256, valid for 30 days) trusting {@code clientPem}. */
    static AutoMtls forClient(String clientPem) throws GeneralSecurityException, OperatorCreationException {
        X509Certificate client = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(clientPem.getBytes(StandardCharsets.US_ASCII)));
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        KeyPair keys = generator.generateKeyPair();
        X500Name name = new X500Name("CN=localhost,O=Walgate");
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                name,
                new BigInteger(64, new SecureRandom()),
                Date.from(now.minus(Duration.ofMinutes(5))),
                Date.from(now.plus(Duration.ofDays(30))),
                name,
                keys.getPublic());
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(
                            Extension.keyUsage,
                            true,
                            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment | KeyUsage.keyCertSign))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(new KeyPurposeId[] {
                        KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth
                    }))
                    .addExtension(
                            Extension.subjectAlternativeName,
                            false,
                            new GeneralNames(new GeneralName(GeneralName.dNSName, "localhost")));
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot build the provider's certificate", e);
        }
        X509Certificate certificate = new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        return new AutoMtls(keys, certificate, client);
    }

    SslContext serverContext() throws SSLException {
        return GrpcSslContexts.configure(SslContextBuilder.forServer(keys.getPrivate(), certificate), SslProvider.JDK)
                .trustManager(client)
                .clientAuth(ClientAuth.REQUIRE)
                .build();
    }

    /** The certificate as the handshake line carries it: DER, base64 without padding. */
    String handshakeCertificate() throws GeneralSecurityException {
        return Base64.getEncoder().withoutPadding().encodeToString(certificate.getEncoded());
    }
}
