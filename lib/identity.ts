import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  CfnManagedLoginBranding,
  FeaturePlan,
  ManagedLoginVersion,
  Mfa,
  OAuthScope,
  UserPool,
  UserPoolClient,
  UserPoolClientIdentityProvider,
  UserPoolDomain,
  UserPoolGroup,
  VerificationEmailStyle,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { MODERATORS_GROUP } from '../functions/comments/claims';

export interface ReaderIdentityProps {
  /**
   * The managed login's domain prefix: `<prefix>.auth.<region>.amazoncognito.com`, unique in the region. Lowercase
   * letters, digits and hyphens; it may not contain `aws`, `amazon` or `cognito`.
   * @default `newsweave-<stage>-<account id>`
   */
  readonly domainPrefix?: string;
  /** Names the default domain prefix. */
  readonly stage: string;
  /**
   * What happens to the user pool when it leaves the stack. RETAIN also turns on deletion protection.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Who may comment: an Amazon Cognito user pool where readers sign themselves up (verified by e-mail) through the
 * managed login, a `moderators` group, and, once the reader site knows its address, the site's app client
 * (authorization code flow with PKCE; a public client, no secret). The HTTP API's JWT authorizer trusts this pool's
 * access tokens for that client (lib/read-api.ts).
 */
export class ReaderIdentity extends Construct {
  readonly userPool: UserPool;
  readonly domain: UserPoolDomain;
  readonly moderators: UserPoolGroup;
  private client?: UserPoolClient;

  constructor(scope: Construct, id: string, props: ReaderIdentityProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const domainPrefix = props.domainPrefix ?? `newsweave-${props.stage}-${Stack.of(this).account}`;
    if (props.domainPrefix !== undefined && (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(domainPrefix) || /aws|amazon|cognito/.test(domainPrefix))) {
      throw new Error('ReaderIdentity: domainPrefix must be lowercase letters, digits and hyphens, without "aws", "amazon" or "cognito"');
    }

    this.userPool = new UserPool(this, 'UserPool', {
      userPoolName: `newsweave-${props.stage}-readers`,
      selfSignUpEnabled: true,
      // A username is what a comment shows (the access token's `username` claim); the e-mail address signs in too.
      signInAliases: { username: true, email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      keepOriginal: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      userVerification: {
        emailSubject: 'Your Newsweave verification code',
        emailBody: 'Your Newsweave verification code is {####}.',
        emailStyle: VerificationEmailStyle.CODE,
      },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.ESSENTIALS,
      deletionProtection: removalPolicy === RemovalPolicy.RETAIN,
      removalPolicy,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason: 'Readers sign up to comment on public news; MFA (TOTP) is offered to every user but not forced on them.',
    });
    const noPlus =
      'Threat protection needs the Plus feature plan, priced per monthly active user; the API bounds abuse itself (per-user rate limits in DynamoDB, moderators).';
    Validations.of(this.userPool).acknowledge({ id: 'AwsSolutions-COG3', reason: noPlus });
    Validations.of(this.userPool).acknowledge({ id: 'AwsSolutions-COG8', reason: noPlus });

    this.moderators = this.userPool.addGroup('Moderators', {
      groupName: MODERATORS_GROUP,
      description: 'May delete any comment (the access token carries the group in cognito:groups).',
    });
    this.domain = this.userPool.addDomain('Domain', {
      cognitoDomain: { domainPrefix },
      managedLoginVersion: ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
  }

  /** `https://<prefix>.auth.<region>.amazoncognito.com`: the managed login and the OAuth endpoints. */
  get loginUrl(): string {
    return this.domain.baseUrl();
  }

  /** The issuer of the pool's tokens, as the JWT authorizer checks it. */
  get issuerUrl(): string {
    return this.userPool.userPoolProviderUrl;
  }

  /** The reader's app client, once added. */
  get readerClient(): UserPoolClient {
    if (!this.client) throw new Error('ReaderIdentity: addReaderClient() has not been called');
    return this.client;
  }

  /**
   * The reader page's app client: a public client (no secret) for the authorization code flow, which the page runs
   * with PKCE; the page's address is its only callback and sign-out URL. The managed login's default branding goes
   * with it (the newer managed login shows nothing for a client without a style).
   */
  addReaderClient(pageUrl: string): UserPoolClient {
    if (this.client) throw new Error('ReaderIdentity: the reader client exists already');
    this.client = this.userPool.addClient('ReaderClient', {
      userPoolClientName: 'newsweave-reader',
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: [OAuthScope.OPENID],
        callbackUrls: [pageUrl],
        logoutUrls: [pageUrl],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });
    new CfnManagedLoginBranding(this, 'Branding', {
      userPoolId: this.userPool.userPoolId,
      clientId: this.client.userPoolClientId,
      useCognitoProvidedValues: true,
    });
    return this.client;
  }
}
