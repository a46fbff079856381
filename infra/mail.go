package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsses"
	"github.com/aws/jsii-runtime-go"
)

// mail is the SES v2 side of the stack.
type mail struct {
	from string
	set  awsses.ConfigurationSet
	// sendARNs may be sent from: the sender's identity and the configuration set. In the SES sandbox, SES also
	// authorizes the recipients' (verified) identities, so StackProps.SESSandbox adds every identity of the
	// account in the region; the action stays ses:SendEmail and nothing else.
	sendARNs []*string
	// sandbox is StackProps.SESSandbox.
	sandbox bool
	// dkim lists the CNAME records to publish for a domain identity, "name CNAME value".
	dkim []string
}

// newMail creates the sender's email identity (a domain when SenderDomain is set, else the address) and the
// configuration set every email is sent through: reputation metrics on, bounces and complaints suppressed, TLS
// required.
func newMail(stack awscdk.Stack, props *StackProps) *mail {
	set := awsses.NewConfigurationSet(stack, jsii.String("MailConfig"), &awsses.ConfigurationSetProps{
		ReputationMetrics:  jsii.Bool(true),
		SendingEnabled:     jsii.Bool(true),
		SuppressionReasons: awsses.SuppressionReasons_BOUNCES_AND_COMPLAINTS,
		TlsPolicy:          awsses.ConfigurationSetTlsPolicy_REQUIRE,
	})
	identity := awsses.Identity_Email(jsii.String(props.senderAddress()))
	if props.SenderDomain != "" {
		identity = awsses.Identity_Domain(jsii.String(props.SenderDomain))
	}
	id := awsses.NewEmailIdentity(stack, jsii.String("Sender"), &awsses.EmailIdentityProps{
		Identity:         identity,
		ConfigurationSet: set,
	})
	m := &mail{
		from:    props.From(),
		set:     set,
		sandbox: props.SESSandbox,
		sendARNs: []*string{
			stack.FormatArn(&awscdk.ArnComponents{Service: jsii.String("ses"), Resource: jsii.String("identity"), ResourceName: jsii.String(senderIdentity(props))}),
			stack.FormatArn(&awscdk.ArnComponents{Service: jsii.String("ses"), Resource: jsii.String("configuration-set"), ResourceName: set.ConfigurationSetName()}),
		},
	}
	if props.SESSandbox {
		m.sendARNs = append(m.sendARNs, stack.FormatArn(&awscdk.ArnComponents{Service: jsii.String("ses"), Resource: jsii.String("identity"), ResourceName: jsii.String("*")}))
	}
	if props.SenderDomain != "" {
		m.dkim = []string{
			*id.DkimDnsTokenName1() + " CNAME " + *id.DkimDnsTokenValue1(),
			*id.DkimDnsTokenName2() + " CNAME " + *id.DkimDnsTokenValue2(),
			*id.DkimDnsTokenName3() + " CNAME " + *id.DkimDnsTokenValue3(),
		}
	}
	return m
}

// senderIdentity is the name of the SES identity the From address is verified through: the domain, or the
// address itself when there is no domain.
func senderIdentity(props *StackProps) string {
	if props.SenderDomain != "" {
		return props.SenderDomain
	}
	return props.senderAddress()
}
