package io.github.redisstreamclient.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway certificate authority and a server certificate it signed, made at test time and written as PEM files,
 * so that a {@code redis-server} can serve TLS and clients can trust it without any certificate checked in.
 * <p>
 * The server certificate names {@code 127.0.0.1} and {@code localhost} as subject alternative names, so clients
 * that verify the host name (Lettuce does by default) accept it. Keys are EC P-256: quick to generate, and accepted
 * by every OpenSSL that Redis links against.
 */
public final class TlsCertificates {

	private static final Duration VALIDITY = Duration.ofDays(2);

	private final Path caCertificate;

	private final Path serverCertificate;

	private final Path serverKey;

	private final X509Certificate ca;

	private TlsCertificates(Path directory, X509Certificate ca) {
		this.caCertificate = directory.resolve("ca.crt");
		this.serverCertificate = directory.resolve("redis.crt");
		this.serverKey = directory.resolve("redis.key");
		this.ca = ca;
	}

	/**
	 * Generates a CA and a server certificate for {@code 127.0.0.1} and {@code localhost} into {@code directory}.
	 * @param directory where the PEM files go; it must exist
	 * @return the files
	 */
	public static TlsCertificates generate(Path directory) {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
			generator.initialize(256);
			KeyPair caKeys = generator.generateKeyPair();
			X500Name caName = new X500Name("CN=redis-stream-client test CA");
			Instant now = Instant.now();
			X509v3CertificateBuilder caBuilder = new JcaX509v3CertificateBuilder(caName, serial(),
					Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), caName, caKeys.getPublic());
			JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
			caBuilder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
			caBuilder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
			caBuilder.addExtension(Extension.subjectKeyIdentifier, false,
					extensions.createSubjectKeyIdentifier(caKeys.getPublic()));
			X509Certificate ca = sign(caBuilder, caKeys);

			KeyPair serverKeys = generator.generateKeyPair();
			X509v3CertificateBuilder serverBuilder = new JcaX509v3CertificateBuilder(ca, serial(),
					Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)),
					new X500Name("CN=127.0.0.1"), serverKeys.getPublic());
			serverBuilder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
			serverBuilder.addExtension(Extension.keyUsage, true,
					new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
			serverBuilder.addExtension(Extension.extendedKeyUsage, false,
					new ExtendedKeyUsage(new KeyPurposeId[] { KeyPurposeId.id_kp_serverAuth }));
			serverBuilder.addExtension(Extension.subjectAlternativeName, false,
					new GeneralNames(new GeneralName[] { new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
							new GeneralName(GeneralName.dNSName, "localhost") }));
			serverBuilder.addExtension(Extension.authorityKeyIdentifier, false,
					extensions.createAuthorityKeyIdentifier(ca));
			X509Certificate server = sign(serverBuilder, caKeys);

			TlsCertificates files = new TlsCertificates(directory, ca);
			writePem(files.caCertificate, ca);
			writePem(files.serverCertificate, server);
			writePem(files.serverKey, new JcaPKCS8Generator(serverKeys.getPrivate(), null).generate());
			return files;
		}
		catch (GeneralSecurityException | OperatorCreationException ex) {
			throw new IllegalStateException("Cannot generate test certificates", ex);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot write test certificates to " + directory, ex);
		}
	}

	/** @return the CA certificate (PEM) that clients trust */
	public Path caCertificate() {
		return this.caCertificate;
	}

	/** @return the server certificate (PEM), signed by the CA */
	public Path serverCertificate() {
		return this.serverCertificate;
	}

	/** @return the server's private key (PEM, PKCS#8, unencrypted) */
	public Path serverKey() {
		return this.serverKey;
	}

	/** @return the CA certificate's PEM text, for example for {@code spring.ssl.bundle.pem.<name>.truststore.certificate} */
	public String caCertificatePem() {
		try {
			return Files.readString(this.caCertificate, StandardCharsets.US_ASCII);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** @return a TLS context that trusts the CA and nothing else */
	public SSLContext sslContext() {
		try {
			KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
			trust.load(null, null);
			trust.setCertificateEntry("ca", this.ca);
			TrustManagerFactory trustManagers = TrustManagerFactory
				.getInstance(TrustManagerFactory.getDefaultAlgorithm());
			trustManagers.init(trust);
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(null, trustManagers.getTrustManagers(), new SecureRandom());
			return context;
		}
		catch (GeneralSecurityException | IOException ex) {
			throw new IllegalStateException("Cannot build a TLS context trusting the test CA", ex);
		}
	}

	private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuer)
			throws OperatorCreationException, GeneralSecurityException {
		ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate());
		return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
	}

	private static BigInteger serial() {
		return new BigInteger(64, new SecureRandom()).add(BigInteger.ONE);
	}

	// Keys as PKCS#8 ("BEGIN PRIVATE KEY"): OpenSSL 3 refuses the EC key format BC writes by default.
	private static void writePem(Path file, Object object) throws IOException {
		try (Writer out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
				JcaPEMWriter pem = new JcaPEMWriter(out)) {
			pem.writeObject(object);
		}
	}

}
