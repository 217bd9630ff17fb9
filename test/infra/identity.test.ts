/**
 * The readers' identity construct alone: the domain prefix it is given (or refuses), and the one reader client.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from '@jest/globals';
import { ReaderIdentity } from '../../lib/identity';
import { buildApp } from '../../lib/app';

const stack = () => new Stack(new App(), 'Identity');

describe('ReaderIdentity', () => {
  it('takes a domain prefix from the authDomainPrefix context value', () => {
    const { stack: newsweave } = buildApp({ context: { authDomainPrefix: 'harbour-news', 'aws:cdk:bundling-stacks': [] }, policyChecks: false, builtinValidation: false });
    Template.fromStack(newsweave).hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'harbour-news' });
  });

  it.each(['Harbour', 'my-aws-news', 'amazon-news', 'cognito1', '-news', 'news-', 'news_site'])('refuses the prefix %s', (domainPrefix) => {
    expect(() => new ReaderIdentity(stack(), 'Identity', { stage: 'dev', domainPrefix })).toThrow(/domainPrefix/);
  });

  it('has one reader client, and says so before one is added', () => {
    const identity = new ReaderIdentity(stack(), 'Identity', { stage: 'dev' });
    expect(() => identity.readerClient).toThrow(/addReaderClient/);
    identity.addReaderClient('https://d111111abcdef8.cloudfront.net');
    expect(() => identity.addReaderClient('https://other.example.com')).toThrow(/exists already/);
    const template = Template.fromStack(Stack.of(identity));
    template.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', { CallbackURLs: ['https://d111111abcdef8.cloudfront.net'] });
  });
});
