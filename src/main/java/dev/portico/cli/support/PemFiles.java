package dev.portico.cli.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads PEM certificates and private keys with the JDK alone (the command line runs
 * without Spring, so without Spring Boot's PEM support): certificates as {@code openssl}
 * writes them, and unencrypted private keys in PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1
 * ({@code BEGIN RSA PRIVATE KEY}) or SEC1 ({@code BEGIN EC PRIVATE KEY}) form.
 */
public final class PemFiles {

	private static final Pattern BLOCK = Pattern
		.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");

	/** rsaEncryption, 1.2.840.113549.1.1.1, with its NULL parameters. */
	private static final byte[] RSA_ALGORITHM = { 0x30, 0x0D, 0x06, 0x09, 0x2A, (byte) 0x86, 0x48, (byte) 0x86,
			(byte) 0xF7, 0x0D, 0x01, 0x01, 0x01, 0x05, 0x00 };

	/** id-ecPublicKey, 1.2.840.10045.2.1. */
	private static final byte[] EC_PUBLIC_KEY = { 0x06, 0x07, 0x2A, (byte) 0x86, 0x48, (byte) 0xCE, 0x3D, 0x02, 0x01 };

	private static final String[] KEY_ALGORITHMS = { "RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS", "DSA" };

	private PemFiles() {
	}

	/** The certificates of a PEM file, in order; at least one. */
	public static List<X509Certificate> certificates(Path file) {
		try (InputStream in = Files.newInputStream(file)) {
			List<X509Certificate> certificates = new ArrayList<>();
			for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
				certificates.add((X509Certificate) certificate);
			}
			if (certificates.isEmpty()) {
				throw new CliException("no certificate in " + file, ExitCode.USAGE);
			}
			return certificates;
		}
		catch (IOException ex) {
			throw new CliException("cannot read " + file + ": " + ex.getMessage(), ExitCode.USAGE);
		}
		catch (GeneralSecurityException ex) {
			throw new CliException(file + " holds no PEM certificate: " + ex.getMessage(), ExitCode.USAGE);
		}
	}

	/** The first private key of a PEM file. */
	public static PrivateKey privateKey(Path file) {
		String text;
		try {
			text = Files.readString(file, StandardCharsets.US_ASCII);
		}
		catch (IOException ex) {
			throw new CliException("cannot read " + file + ": " + ex.getMessage(), ExitCode.USAGE);
		}
		Matcher block = BLOCK.matcher(text);
		while (block.find()) {
			String type = block.group(1);
			byte[] der = Base64.getMimeDecoder().decode(block.group(2));
			switch (type) {
				case "PRIVATE KEY" -> {
					return pkcs8(der, file);
				}
				case "RSA PRIVATE KEY" -> {
					return pkcs8(sequence(integer0(), RSA_ALGORITHM, octetString(der)), file);
				}
				case "EC PRIVATE KEY" -> {
					return pkcs8(sequence(integer0(), sequence(EC_PUBLIC_KEY, sec1Curve(der, file)), octetString(der)),
							file);
				}
				case "ENCRYPTED PRIVATE KEY" -> throw new CliException(
						file + " holds an encrypted key: decrypt it first (openssl pkcs8 -in KEY -out PLAIN)",
						ExitCode.USAGE);
				default -> {
					// EC PARAMETERS and the like: not the key
				}
			}
		}
		throw new CliException("no PEM private key in " + file, ExitCode.USAGE);
	}

	private static PrivateKey pkcs8(byte[] der, Path file) {
		for (String algorithm : KEY_ALGORITHMS) {
			try {
				return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
			}
			catch (GeneralSecurityException ex) {
				// not this algorithm: try the next
			}
		}
		throw new CliException(file + " holds a private key of a kind this JDK cannot read", ExitCode.USAGE);
	}

	/**
	 * The named curve of a SEC1 {@code ECPrivateKey}: {@code SEQUENCE { version,
	 * privateKey OCTET STRING, [0] parameters OID, [1] publicKey }}.
	 */
	private static byte[] sec1Curve(byte[] der, Path file) {
		int at = contentStart(der, 0);
		int end = at + length(der, 0);
		while (at < end) {
			int tag = der[at] & 0xFF;
			int content = contentStart(der, at);
			int length = length(der, at);
			if (tag == 0xA0) {
				byte[] oid = new byte[length];
				System.arraycopy(der, content, oid, 0, length);
				return oid;
			}
			at = content + length;
		}
		throw new CliException(file + ": an EC key without its curve; write it as PKCS#8"
				+ " (openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8)", ExitCode.USAGE);
	}

	/** Where the content of the DER element at {@code at} starts. */
	private static int contentStart(byte[] der, int at) {
		int first = der[at + 1] & 0xFF;
		return at + 2 + ((first < 0x80) ? 0 : first & 0x7F);
	}

	/** The content length of the DER element at {@code at}. */
	private static int length(byte[] der, int at) {
		int first = der[at + 1] & 0xFF;
		if (first < 0x80) {
			return first;
		}
		int length = 0;
		for (int i = 0; i < (first & 0x7F); i++) {
			length = (length << 8) | (der[at + 2 + i] & 0xFF);
		}
		return length;
	}

	private static byte[] integer0() {
		return new byte[] { 0x02, 0x01, 0x00 };
	}

	private static byte[] octetString(byte[] content) {
		return element(0x04, content);
	}

	private static byte[] sequence(byte[]... parts) {
		ByteArrayOutputStream content = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			content.writeBytes(part);
		}
		return element(0x30, content.toByteArray());
	}

	private static byte[] element(int tag, byte[] content) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
		out.write(tag);
		int length = content.length;
		if (length < 0x80) {
			out.write(length);
		}
		else if (length < 0x100) {
			out.write(0x81);
			out.write(length);
		}
		else if (length < 0x10000) {
			out.write(0x82);
			out.write(length >> 8);
			out.write(length);
		}
		else {
			out.write(0x83);
			out.write(length >> 16);
			out.write(length >> 8);
			out.write(length);
		}
		out.writeBytes(content);
		return out.toByteArray();
	}

}
