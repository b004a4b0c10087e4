package dev.fastmcp.providers;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An Amazon Cognito user pool: its AWS region and its id, which starts with that region
 * ({@code eu-west-1_AbCdEf123}).
 *
 * @param region the AWS region, such as {@code eu-west-1}
 * @param id     the user pool id
 */
record CognitoUserPool(String region, String id) {

    private static final String REGION = "[a-z]{2}(?:-[a-z]+)+-\\d{1,2}";
    private static final Pattern REGION_ONLY = Pattern.compile(REGION);
    private static final Pattern POOL_ID = Pattern.compile("(" + REGION + ")_[0-9A-Za-z]+");
    /** The host of a Cognito prefix domain; group 1 is its region. */
    private static final Pattern PREFIX_DOMAIN = Pattern.compile("[a-z0-9-]+\\.auth\\.(" + REGION
            + ")\\.amazoncognito\\.com");

    /** Checks the region and the pool id, and that they agree; each message says what to write instead. */
    static CognitoUserPool parse(String region, String id) {
        if (region == null && id == null) {
            throw new IllegalArgumentException("CognitoProvider: userPool(region, userPoolId) is required: the AWS "
                    + "region and the id of your user pool (Amazon Cognito console > User pools > your pool > "
                    + "Overview: User pool ID), such as userPool(\"eu-west-1\", \"eu-west-1_AbCdEf123\")");
        }
        String r = region == null ? "" : region.trim();
        if (!REGION_ONLY.matcher(r).matches()) {
            throw new IllegalArgumentException("CognitoProvider: the region " + PresetBuilder.quoted(region)
                    + " is not an AWS region. Give it as AWS writes it, such as 'eu-west-1' or 'us-east-1': the "
                    + "start of your user pool id, before the underscore");
        }
        String i = id == null ? "" : id.trim();
        Matcher m = POOL_ID.matcher(i);
        if (!m.matches()) {
            throw new IllegalArgumentException("CognitoProvider: the user pool id " + PresetBuilder.quoted(id)
                    + " is not a Cognito user pool id. It is the region, an underscore and letters and digits, such "
                    + "as '" + r + "_AbCdEf123' (Amazon Cognito console > User pools: User pool ID); not the pool's "
                    + "name, nor the app client id");
        }
        if (!m.group(1).equals(r)) {
            throw new IllegalArgumentException("CognitoProvider: the user pool id '" + i + "' belongs to region "
                    + m.group(1) + ", not to the region given, '" + r + "' (a pool id starts with its region). Use "
                    + "userPool(\"" + m.group(1) + "\", \"" + i + "\"), or the id of your pool in " + r);
        }
        return new CognitoUserPool(r, i);
    }

    /**
     * Checks that a Cognito prefix domain ({@code <prefix>.auth.<region>.amazoncognito.com}) is in the pool's region;
     * a custom domain can be anywhere.
     */
    void requireDomainRegion(String host) {
        Matcher m = PREFIX_DOMAIN.matcher(host);
        if (m.matches() && !m.group(1).equals(region)) {
            throw new IllegalArgumentException("CognitoProvider: the domain '" + host + "' is in region "
                    + m.group(1) + ", but the user pool " + id + " is in " + region + ". Give the domain of this "
                    + "pool, as its Domain settings in the Amazon Cognito console show it");
        }
    }

    /** The {@code iss} of the pool's tokens under {@code base} ({@code https://cognito-idp.<region>.amazonaws.com}). */
    String issuer(String base) {
        return base + "/" + id;
    }

    /** Where AWS serves the pool's tokens' issuer: {@code https://cognito-idp.<region>.amazonaws.com}. */
    String issuerBase() {
        return "https://cognito-idp." + region + ".amazonaws.com";
    }
}
