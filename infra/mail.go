package main

import (
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsroute53"
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
	// mailFrom lists the MAIL FROM domain's records, "name MX 10 host" and "name TXT \"v=spf1 ...\"", and
	// dmarc the DMARC record suggested for the sender domain; all empty without a sender domain.
	mailFrom []string
	dmarc    string
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
	idProps := &awsses.EmailIdentityProps{
		Identity:         identity,
		ConfigurationSet: set,
	}
	if props.SenderDomain != "" {
		// A MAIL FROM domain of our own aligns SPF with the sender domain (DMARC then passes on SPF as well as
		// DKIM). Until its MX record exists SES falls back to amazonses.com rather than refusing to send.
		idProps.MailFromDomain = jsii.String(mailFromDomain(props))
		idProps.MailFromBehaviorOnMxFailure = awsses.MailFromBehaviorOnMxFailure_USE_DEFAULT_VALUE
	}
	id := awsses.NewEmailIdentity(stack, jsii.String("Sender"), idProps)
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
		mx, spf := mailFromRecords(stack)
		m.mailFrom = []string{mailFromDomain(props) + " MX " + mx, mailFromDomain(props) + " TXT " + spf}
		m.dmarc = "_dmarc." + props.SenderDomain + " TXT " + dmarcRecord
		if props.HostedZoneID != "" {
			publishSenderRecords(stack, props, id, mx, spf)
		}
	}
	return m
}

// dmarcRecord is the DMARC policy suggested for a new sender domain: monitor only (p=none). The stack outputs it
// and never creates it: a domain has one DMARC record, its policy is the domain owner's decision (docs/deploy.md
// says when to tighten it), and creating one where one exists would fail the deploy.
const dmarcRecord = `"v=DMARC1; p=none"`

// mailFromDomain is the sender identity's MAIL FROM domain: PH_MAIL_FROM_DOMAIN, else bounce.<sender domain>.
func mailFromDomain(props *StackProps) string {
	if props.MailFromDomain != "" {
		return props.MailFromDomain
	}
	return "bounce." + props.SenderDomain
}

// mailFromRecords are the values of the MAIL FROM domain's records: SES's feedback endpoint of the stack's region
// as the MX, and an SPF policy that lets SES send for the domain.
func mailFromRecords(stack awscdk.Stack) (mx, spf string) {
	return "10 feedback-smtp." + *stack.Region() + ".amazonses.com", `"v=spf1 include:amazonses.com ~all"`
}

// publishSenderRecords writes the sender domain's DKIM CNAMEs and the MAIL FROM domain's MX and SPF records
// into the Route 53 public hosted zone PH_HOSTED_ZONE_ID, so SES verifies the domain with no DNS step by hand.
// The zone is imported by id and name, with no lookup: `make synth` needs no credentials.
func publishSenderRecords(stack awscdk.Stack, props *StackProps, id awsses.EmailIdentity, mx, spf string) {
	zone := awsroute53.PublicHostedZone_FromPublicHostedZoneAttributes(stack, jsii.String("SenderZone"), &awsroute53.PublicHostedZoneAttributes{
		HostedZoneId: jsii.String(props.HostedZoneID),
		ZoneName:     jsii.String(props.HostedZoneName),
	})
	dkim := [][2]*string{
		{id.DkimDnsTokenName1(), id.DkimDnsTokenValue1()},
		{id.DkimDnsTokenName2(), id.DkimDnsTokenValue2()},
		{id.DkimDnsTokenName3(), id.DkimDnsTokenValue3()},
	}
	for i, rec := range dkim {
		awsroute53.NewCnameRecord(stack, jsii.String(fmt.Sprintf("SenderDkim%d", i+1)), &awsroute53.CnameRecordProps{
			Zone: zone,
			// The name is the full DKIM name; the trailing dot keeps CDK from appending the zone's name to it.
			RecordName: jsii.String(*rec[0] + "."),
			DomainName: rec[1],
			Ttl:        awscdk.Duration_Minutes(jsii.Number(30)),
		})
	}
	from := mailFromDomain(props)
	awsroute53.NewMxRecord(stack, jsii.String("MailFromMx"), &awsroute53.MxRecordProps{
		Zone:       zone,
		RecordName: jsii.String(from + "."),
		Values: &[]*awsroute53.MxRecordValue{{
			Priority: jsii.Number(10),
			HostName: jsii.String(strings.TrimPrefix(mx, "10 ")),
		}},
		Ttl: awscdk.Duration_Minutes(jsii.Number(30)),
	})
	awsroute53.NewTxtRecord(stack, jsii.String("MailFromSpf"), &awsroute53.TxtRecordProps{
		Zone:       zone,
		RecordName: jsii.String(from + "."),
		Values:     jsii.Strings(strings.Trim(spf, `"`)),
		Ttl:        awscdk.Duration_Minutes(jsii.Number(30)),
	})
}

// senderIdentity is the name of the SES identity the From address is verified through: the domain, or the
// address itself when there is no domain.
func senderIdentity(props *StackProps) string {
	if props.SenderDomain != "" {
		return props.SenderDomain
	}
	return props.senderAddress()
}
