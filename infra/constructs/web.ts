import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import type { RouteSpec } from '../../shared/http/route';
import type { InfraConfig, RegionConfig } from '../config';
import { ORIGIN_VERIFY_HEADER } from './api';
import { REPO_ROOT } from './bundling';
import { acknowledge, arnRef } from './nag';

/** The web client CloudFront serves: the built client if there is one, else the placeholder page. */
export function webRoot(root = REPO_ROOT): string {
  const built = join(root, 'web', 'dist');
  return existsSync(join(built, 'index.html')) ? built : join(root, 'web', 'public');
}

/**
 * CloudFront path patterns that go to the API: one per first path segment of the route table
 * (`/v1/*`, `/ops/*`, ...) with that segment itself (`/v1`, `/ops`), and exact top-level routes
 * (`/health`, `/openapi.json`). `/v1/*` does not match `/v1`: without its own pattern it would
 * fall through to the web client, which answers an API path with index.html instead of the
 * API's 404.
 */
export function apiPathPatterns(routes: readonly RouteSpec[]): string[] {
  const patterns = new Set<string>();
  for (const route of routes) {
    const segments = route.path.split('/').filter(Boolean);
    if (segments.length === 0) continue;
    if (segments.length === 1 && !segments[0]!.startsWith('{')) patterns.add(`/${segments[0]}`);
    else patterns.add(`/${segments[0]}`).add(`/${segments[0]}/*`);
  }
  return [...patterns].sort();
}

/** Content-Security-Policy of every response: the app's own origin, plus the OIDC issuer for login. */
export function contentSecurityPolicy(config: InfraConfig): string {
  const issuer = new URL(config.oidc.issuer).origin;
  const connect = ["'self'", issuer, ...config.webConnectSrc.map((u) => new URL(u).origin)];
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${[...new Set(connect)].join(' ')}`,
    "object-src 'none'",
    "base-uri 'self'",
    `form-action 'self' ${issuer}`,
    "frame-ancestors 'none'",
    'upgrade-insecure-requests',
  ].join('; ');
}

/** What the web client reads from /config.json at start-up (web/src/config.ts). */
export function webRuntimeConfig(config: InfraConfig): Record<string, unknown> {
  return {
    apiBase: '',
    auth: {
      mode: 'oidc',
      issuer: config.oidc.issuer,
      clientId: config.oidc.webClientId,
      scope: config.oidc.webScope,
      redirectPath: '/auth/callback',
      postLogoutRedirectPath: '/',
    },
  };
}

// Client-side routes (no file extension) get index.html; files and the API are left alone.
const SPA_REWRITE = `function handler(event) {
  var request = event.request;
  var last = request.uri.split('/').pop();
  if (last.indexOf('.') === -1) request.uri = '/index.html';
  return request;
}`;

export interface WebHostingProps {
  config: InfraConfig;
  region: RegionConfig;
  api: apigw.RestApi;
  /** The FHIR API (infra/stacks/fhir-api-stack.ts): CloudFront sends `/fhir/*` there. */
  fhirApi?: apigw.RestApi;
  routes: readonly RouteSpec[];
  key: kms.IKey;
  logRetentionDays: number;
  /** Directory to deploy (defaults to web/dist, or web/public when the client is not built). */
  sourceDir?: string;
  /** The CLOUDFRONT-scope web ACL from the edge stack (us-east-1). */
  webAclArn: string;
  /** Value of the origin header the regional WAF requires of API requests. */
  originSecret: string;
}

/**
 * Web hosting for one region: a private, KMS-encrypted, versioned bucket behind CloudFront with
 * origin access control; the API under the same domain; security headers on every response;
 * HTTPS only (TLS 1.2+ where a certificate is configured).
 */
export class WebHosting extends Construct {
  readonly bucket: s3.Bucket;
  readonly logBucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly headers: cloudfront.ResponseHeadersPolicy;

  constructor(scope: Construct, id: string, props: WebHostingProps) {
    super(scope, id);
    const { config } = props;
    const sourceDir = props.sourceDir ?? webRoot();

    this.logBucket = new s3.Bucket(this, 'AccessLogs', {
      // S3 server access logs and CloudFront standard logs can only be written with SSE-S3, and
      // CloudFront's log delivery needs ACLs on the bucket.
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      lifecycleRules: [{ expiration: Duration.days(props.logRetentionDays), noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket = new s3.Bucket(this, 'Site', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.key,
      bucketKeyEnabled: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(90) }],
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 'site-bucket/',
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.headers = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Fellesjournal security headers',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: contentSecurityPolicy(config), override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, preload: true, override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        contentTypeOptions: { override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
        xssProtection: { protection: false, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [
          { header: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=(), usb=()', override: true },
          { header: 'Cross-Origin-Opener-Policy', value: 'same-origin', override: true },
        ],
      },
    });

    const spa = new cloudfront.Function(this, 'SpaRewrite', {
      code: cloudfront.FunctionCode.fromInline(SPA_REWRITE),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      comment: 'Client-side routes serve index.html',
    });
    // RestApiOrigin talks HTTPS only, TLS 1.2, to the stage (origin path /<stage>).
    // The origin header proves to the regional WAF that a request came through this distribution.
    const behaviorFor = (api: apigw.RestApi): cloudfront.BehaviorOptions => ({
      origin: new origins.RestApiOrigin(api, { customHeaders: { [ORIGIN_VERIFY_HEADER]: props.originSecret } }),
      // A redirect would send a token or a body over plain HTTP once; refuse HTTP outright.
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: this.headers,
      compress: true,
    });
    const apiBehavior = behaviorFor(props.api);
    const fhirBehavior = props.fhirApi ? behaviorFor(props.fhirApi) : apiBehavior;
    // `/fhir` itself goes to the FHIR API too (a 404 OperationOutcome), `/v1` to the route API (problem+json).
    const patterns = apiPathPatterns(props.routes);
    const custom = props.region.domainName && props.region.certificateArn;
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `Fellesjournal ${config.stage} ${props.region.region}`,
      webAclId: props.webAclArn,
      defaultRootObject: 'index.html',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
      ...(custom
        ? {
            domainNames: [props.region.domainName!],
            certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', props.region.certificateArn!),
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.headers,
        functionAssociations: [{ function: spa, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
        compress: true,
      },
      additionalBehaviors: Object.fromEntries(patterns.map((p) => [p, p === '/fhir' || p.startsWith('/fhir/') ? fhirBehavior : apiBehavior])),
    });

    // Hashed build output never changes under its name; everything else is revalidated.
    const assetsDir = join(sourceDir, 'assets');
    if (existsSync(assetsDir)) {
      new s3deploy.BucketDeployment(this, 'DeployAssets', {
        sources: [s3deploy.Source.asset(assetsDir)],
        destinationBucket: this.bucket,
        destinationKeyPrefix: 'assets/',
        cacheControl: [s3deploy.CacheControl.fromString('public, max-age=31536000, immutable')],
        // Pages still open in browsers may ask for the previous build's files.
        prune: false,
      });
    }
    new s3deploy.BucketDeployment(this, 'DeploySite', {
      sources: [
        s3deploy.Source.asset(sourceDir, { exclude: ['assets', 'assets/**', 'config.json'] }),
        s3deploy.Source.jsonData('config.json', webRuntimeConfig(config)),
      ],
      destinationBucket: this.bucket,
      cacheControl: [s3deploy.CacheControl.fromString('no-cache')],
      prune: false,
      distribution: this.distribution,
      distributionPaths: ['/*'],
    });
    this.acknowledgeFindings(props, !!custom);
  }

  private acknowledgeFindings(props: WebHostingProps, customDomain: boolean): void {
    const d = this.distribution;
    acknowledge(
      d,
      'AwsSolutions-CFR1',
      'Access is decided by authentication (HelseID / ID-porten) and authorisation, not location: clinicians travel and citizens abroad have the right to read their own record and its access log. The edge web ACL (managed rules, per-client rate limit) and the regional WAF protect the API.',
    );
    if (!customDomain) {
      acknowledge(
        d,
        'AwsSolutions-CFR4',
        'No custom domain is configured for this region, so CloudFront serves its default *.cloudfront.net certificate, whose TLS policy cannot be set. Configure domainName + certificateArn for the region to get TLSv1.2_2021 as minimum (done automatically then).',
      );
    }
    const noReplication =
      'Cross-region replication would copy this bucket into another region, against the rule that regions are isolated from each other (only the edge web ACL is global, and it holds no data). Its content is reproducible (the web build from git, or access logs that also stay versioned here).';
    acknowledge(this.bucket, 'HIPAA.Security-S3BucketReplicationEnabled', noReplication);
    acknowledge(this.logBucket, 'HIPAA.Security-S3BucketReplicationEnabled', noReplication);
    acknowledge(
      this.logBucket,
      'HIPAA.Security-S3DefaultEncryptionKMS',
      'Target of S3 server access logging and CloudFront standard logs, which can only write to buckets with SSE-S3 default encryption. It holds request logs, no patient data (the web client is static; API paths carry opaque ids).',
    );
    // The BucketDeployment handler is a CDK-provided singleton; its policies are CDK's, not ours.
    const stack = Stack.of(this);
    const deployer = stack.node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (deployer) {
      const why = 'CDK\'s BucketDeployment handler, run only by CloudFormation during deployments to copy the web client build from the CDK asset bucket into the site bucket and invalidate CloudFront.';
      for (const finding of [
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        'AwsSolutions-IAM5[Action::s3:GetObject*]',
        'AwsSolutions-IAM5[Action::s3:GetBucket*]',
        'AwsSolutions-IAM5[Action::s3:List*]',
        'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
        'AwsSolutions-IAM5[Action::s3:Abort*]',
        'AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
        'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-${stack.account}-${stack.region}/*]`,
        `AwsSolutions-IAM5[Resource::${arnRef(this.bucket)}/*]`,
        'AwsSolutions-IAM5[Resource::*]',
        'AwsSolutions-L1',
        'HIPAA.Security-IAMNoInlinePolicy',
        'HIPAA.Security-LambdaConcurrency',
        'HIPAA.Security-LambdaDLQ',
        'HIPAA.Security-LambdaInsideVPC',
      ]) {
        acknowledge(
          deployer,
          finding,
          `${why} Its grants are CDK's object-level read on the asset bucket and read/write on the site bucket and its key (wildcards are object keys), CreateInvalidation (no resource-level permission), the basic execution role for its logs; it is invoked by CloudFormation only, so concurrency, DLQ and VPC settings do not apply.`,
        );
      }
    }
  }
}
