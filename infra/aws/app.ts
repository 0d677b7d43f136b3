import { Annotations, App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { placeholderSender, settingsFromContext } from './settings.js';
import { BudgetPerformanceStack } from './stack.js';

/**
 * The CDK app (`npm run synth`; cdk.json runs it with tsx). Settings come from CDK context — see
 * settings.ts: `sesSenderEmail`, `sesSenderDomain`, `bureauAlarmEmail`, `allowedOrigins`, e.g.
 *   npm run synth -- -c sesSenderEmail=jixiao@czj.example.gov.cn -c allowedOrigins=https://portal.example.gov.cn
 * The account and region are the CLI's (CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION); offline they stay
 * unresolved and the template is environment-agnostic.
 * cdk-nag's AwsSolutions pack runs as a policy-validation plugin: a finding that is not acknowledged
 * (with its reason, next to the resource) fails the synth.
 */
const app = new App();
const settings = settingsFromContext(app.node);
const stack = new BudgetPerformanceStack(app, 'BudgetPerformance', {
  ...settings,
  description: 'Budget performance management (预算绩效管理): API, data, schedules',
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
if (settings.senderEmail === placeholderSender) {
  Annotations.of(stack).addWarningV2(
    'budget:sesSenderEmail',
    `No sesSenderEmail in the context: mail would be sent from the placeholder ${placeholderSender}. Set -c sesSenderEmail=... before deploying.`,
  );
}
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
