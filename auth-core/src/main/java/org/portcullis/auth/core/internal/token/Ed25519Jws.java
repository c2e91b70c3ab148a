package org.portcullis.auth.core.internal.token;

import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSProvider;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * EdDSA over Ed25519 (RFC 8037) for nimbus, on BouncyCastle's lightweight API, because
 * nimbus's own Ed25519 support needs Google Tink. Both halves are thread-safe: each call uses
 * a fresh {@link Ed25519Signer}, which is cheap next to the curve arithmetic.
 */
final class Ed25519Jws {

    private static final Set<JWSAlgorithm> ALGS = Set.of(JWSAlgorithm.EdDSA);

    private Ed25519Jws() {
    }

    /** What a signer and a verifier both answer: the one algorithm, and a JCA context nimbus asks for. */
    private abstract static class EdDsaProvider implements JWSProvider {
        private final JCAContext jca = new JCAContext();

        @Override
        public final Set<JWSAlgorithm> supportedJWSAlgorithms() {
            return ALGS;
        }

        @Override
        public final JCAContext getJCAContext() {
            return jca;
        }
    }

    static final class Signer extends EdDsaProvider implements JWSSigner {
        private final Ed25519PrivateKeyParameters key;

        Signer(Ed25519PrivateKeyParameters key) {
            this.key = key;
        }

        @Override
        public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
            if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm())) {
                throw new JOSEException("Ed25519 key cannot sign " + header.getAlgorithm());
            }
            Ed25519Signer s = new Ed25519Signer();
            s.init(true, key);
            s.update(signingInput, 0, signingInput.length);
            return Base64URL.encode(s.generateSignature());
        }
    }

    static final class Verifier extends EdDsaProvider implements JWSVerifier {
        private final Ed25519PublicKeyParameters key;

        Verifier(Ed25519PublicKeyParameters key) {
            this.key = key;
        }

        @Override
        public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) {
            if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm())) {
                return false;
            }
            byte[] sig = signature.decode();
            if (sig.length != Ed25519PrivateKeyParameters.SIGNATURE_SIZE) {
                return false;
            }
            Ed25519Signer v = new Ed25519Signer();
            v.init(false, key);
            v.update(signingInput, 0, signingInput.length);
            return v.verifySignature(sig);
        }
    }
}
